using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// AVX-VNNI vpdpbusd (u8×s8, 4 products summed into int32 without saturation). A is flipped to uint8,
/// B stored as int8. Panels of 16 columns, k in quads: 64 bytes per quad, two ymm of 8 columns × 4 k.
/// </summary>
internal readonly struct Int8GemmAvxVnni : IInt8GemmKernel
{
    public static int PanelWidth => 16;

    public static int KGroup => 4;

    public static Int8GemmAForm AForm => Int8GemmAForm.UInt8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(byte* a, nint aStride, int rows, byte* panel, int kGroups,
        int* rowSum, int* p, int* q, int* r, int* c, nint ldc, int validCols)
    {
        int row = 0;
        for (; row + 4 <= rows; row += 4)
            Run4(a + row * aStride, aStride, panel, kGroups, rowSum + row, p + row, q, r, c + row * ldc, ldc, validCols, 4);
        // Two or three rows left still share one pass over the panel rather than streaming it once per row.
        if (rows - row == 1)
            Run1(a + row * aStride, panel, kGroups, rowSum + row, p + row, q, r, c + row * ldc, validCols);
        else if (rows > row)
            Run4(a + row * aStride, aStride, panel, kGroups, rowSum + row, p + row, q, r, c + row * ldc, ldc, validCols, rows - row);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run4(byte* a, nint aStride, byte* panel, int kGroups,
        int* rowSum, int* p, int* q, int* r, int* c, nint ldc, int validCols, int count)
    {
        Vector256<int> acc00 = default, acc01 = default, acc10 = default, acc11 = default;
        Vector256<int> acc20 = default, acc21 = default, acc30 = default, acc31 = default;
        byte* a0 = a, a1 = a + Math.Min(1, count - 1) * aStride, a2 = a + Math.Min(2, count - 1) * aStride, a3 = a + Math.Min(3, count - 1) * aStride;
        for (nint kg = 0; kg < kGroups; kg++)
        {
            sbyte* line = (sbyte*)panel + kg * 64;
            var b0 = Vector256.Load(line);
            var b1 = Vector256.Load(line + 32);
            nint offset = kg * 4;
            var x = Vector256.Create(*(int*)(a0 + offset)).AsByte();
            acc00 = AvxVnni.MultiplyWideningAndAdd(acc00, x, b0);
            acc01 = AvxVnni.MultiplyWideningAndAdd(acc01, x, b1);
            x = Vector256.Create(*(int*)(a1 + offset)).AsByte();
            acc10 = AvxVnni.MultiplyWideningAndAdd(acc10, x, b0);
            acc11 = AvxVnni.MultiplyWideningAndAdd(acc11, x, b1);
            x = Vector256.Create(*(int*)(a2 + offset)).AsByte();
            acc20 = AvxVnni.MultiplyWideningAndAdd(acc20, x, b0);
            acc21 = AvxVnni.MultiplyWideningAndAdd(acc21, x, b1);
            x = Vector256.Create(*(int*)(a3 + offset)).AsByte();
            acc30 = AvxVnni.MultiplyWideningAndAdd(acc30, x, b0);
            acc31 = AvxVnni.MultiplyWideningAndAdd(acc31, x, b1);
        }
        Int8GemmAvx2.Store(acc00, acc01, rowSum[0], p[0], q, r, c, validCols);
        if (count > 1)
            Int8GemmAvx2.Store(acc10, acc11, rowSum[1], p[1], q, r, c + ldc, validCols);
        if (count > 2)
            Int8GemmAvx2.Store(acc20, acc21, rowSum[2], p[2], q, r, c + 2 * ldc, validCols);
        if (count > 3)
            Int8GemmAvx2.Store(acc30, acc31, rowSum[3], p[3], q, r, c + 3 * ldc, validCols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run1(byte* a, byte* panel, int kGroups, int* rowSum, int* p, int* q, int* r, int* c, int validCols)
    {
        // vpdpbusd accumulates in place, so alternate accumulators to keep its latency off the critical path.
        Vector256<int> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        nint kg = 0;
        for (; kg + 2 <= kGroups; kg += 2)
        {
            sbyte* line = (sbyte*)panel + kg * 64;
            var x = Vector256.Create(*(int*)(a + kg * 4)).AsByte();
            var y = Vector256.Create(*(int*)(a + kg * 4 + 4)).AsByte();
            acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, x, Vector256.Load(line));
            acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, x, Vector256.Load(line + 32));
            acc2 = AvxVnni.MultiplyWideningAndAdd(acc2, y, Vector256.Load(line + 64));
            acc3 = AvxVnni.MultiplyWideningAndAdd(acc3, y, Vector256.Load(line + 96));
        }
        if (kg < kGroups)
        {
            sbyte* line = (sbyte*)panel + kg * 64;
            var x = Vector256.Create(*(int*)(a + kg * 4)).AsByte();
            acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, x, Vector256.Load(line));
            acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, x, Vector256.Load(line + 32));
        }
        Int8GemmAvx2.Store(acc0 + acc2, acc1 + acc3, rowSum[0], p[0], q, r, c, validCols);
    }
}

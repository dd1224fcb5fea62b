using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// ARM64 dot product (sdot: s8×s8, 4 products summed into int32). .NET has no u8×s8 form, so uint8
/// operands are flipped to int8 (v − 128) and the driver corrects the sums. Panels of 16 columns,
/// k in quads: 64 bytes per quad, four vectors of 4 columns × 4 k.
/// </summary>
internal readonly struct Int8GemmDp : IInt8GemmKernel
{
    public static int PanelWidth => 16;

    public static int KGroup => 4;

    public static Int8GemmAForm AForm => Int8GemmAForm.SInt8;

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
        Vector128<int> acc00 = default, acc01 = default, acc02 = default, acc03 = default;
        Vector128<int> acc10 = default, acc11 = default, acc12 = default, acc13 = default;
        Vector128<int> acc20 = default, acc21 = default, acc22 = default, acc23 = default;
        Vector128<int> acc30 = default, acc31 = default, acc32 = default, acc33 = default;
        byte* a0 = a, a1 = a + Math.Min(1, count - 1) * aStride, a2 = a + Math.Min(2, count - 1) * aStride, a3 = a + Math.Min(3, count - 1) * aStride;
        for (nint kg = 0; kg < kGroups; kg++)
        {
            sbyte* line = (sbyte*)panel + kg * 64;
            var b0 = Vector128.Load(line);
            var b1 = Vector128.Load(line + 16);
            var b2 = Vector128.Load(line + 32);
            var b3 = Vector128.Load(line + 48);
            nint offset = kg * 4;
            var x = Vector128.Create(*(int*)(a0 + offset)).AsSByte();
            acc00 = Dp.DotProduct(acc00, b0, x);
            acc01 = Dp.DotProduct(acc01, b1, x);
            acc02 = Dp.DotProduct(acc02, b2, x);
            acc03 = Dp.DotProduct(acc03, b3, x);
            x = Vector128.Create(*(int*)(a1 + offset)).AsSByte();
            acc10 = Dp.DotProduct(acc10, b0, x);
            acc11 = Dp.DotProduct(acc11, b1, x);
            acc12 = Dp.DotProduct(acc12, b2, x);
            acc13 = Dp.DotProduct(acc13, b3, x);
            x = Vector128.Create(*(int*)(a2 + offset)).AsSByte();
            acc20 = Dp.DotProduct(acc20, b0, x);
            acc21 = Dp.DotProduct(acc21, b1, x);
            acc22 = Dp.DotProduct(acc22, b2, x);
            acc23 = Dp.DotProduct(acc23, b3, x);
            x = Vector128.Create(*(int*)(a3 + offset)).AsSByte();
            acc30 = Dp.DotProduct(acc30, b0, x);
            acc31 = Dp.DotProduct(acc31, b1, x);
            acc32 = Dp.DotProduct(acc32, b2, x);
            acc33 = Dp.DotProduct(acc33, b3, x);
        }
        Int8GemmAdvSimd.Store(acc00, acc01, acc02, acc03, rowSum[0], p[0], q, r, c, validCols);
        if (count > 1)
            Int8GemmAdvSimd.Store(acc10, acc11, acc12, acc13, rowSum[1], p[1], q, r, c + ldc, validCols);
        if (count > 2)
            Int8GemmAdvSimd.Store(acc20, acc21, acc22, acc23, rowSum[2], p[2], q, r, c + 2 * ldc, validCols);
        if (count > 3)
            Int8GemmAdvSimd.Store(acc30, acc31, acc32, acc33, rowSum[3], p[3], q, r, c + 3 * ldc, validCols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run1(byte* a, byte* panel, int kGroups, int* rowSum, int* p, int* q, int* r, int* c, int validCols)
    {
        Vector128<int> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        for (nint kg = 0; kg < kGroups; kg++)
        {
            sbyte* line = (sbyte*)panel + kg * 64;
            var x = Vector128.Create(*(int*)(a + kg * 4)).AsSByte();
            acc0 = Dp.DotProduct(acc0, Vector128.Load(line), x);
            acc1 = Dp.DotProduct(acc1, Vector128.Load(line + 16), x);
            acc2 = Dp.DotProduct(acc2, Vector128.Load(line + 32), x);
            acc3 = Dp.DotProduct(acc3, Vector128.Load(line + 48), x);
        }
        Int8GemmAdvSimd.Store(acc0, acc1, acc2, acc3, rowSum[0], p[0], q, r, c, validCols);
    }
}

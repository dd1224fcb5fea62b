using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// AVX2: both operands widened to int16 and multiplied pairwise by vpmaddwd, exact on full-range data.
/// Panels of 16 columns, k in pairs: 32 bytes per k pair, widened into two ymm of 8 columns × 2 k.
/// </summary>
internal readonly struct Int8GemmAvx2 : IInt8GemmKernel
{
    public static int PanelWidth => 16;

    public static int KGroup => 2;

    public static Int8GemmAForm AForm => Int8GemmAForm.Int16;

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
            sbyte* line = (sbyte*)panel + kg * 32;
            var b0 = Avx2.ConvertToVector256Int16(line);
            var b1 = Avx2.ConvertToVector256Int16(line + 16);
            nint offset = kg * 4;
            var x = Vector256.Create(*(int*)(a0 + offset)).AsInt16();
            acc00 += Avx2.MultiplyAddAdjacent(x, b0);
            acc01 += Avx2.MultiplyAddAdjacent(x, b1);
            x = Vector256.Create(*(int*)(a1 + offset)).AsInt16();
            acc10 += Avx2.MultiplyAddAdjacent(x, b0);
            acc11 += Avx2.MultiplyAddAdjacent(x, b1);
            x = Vector256.Create(*(int*)(a2 + offset)).AsInt16();
            acc20 += Avx2.MultiplyAddAdjacent(x, b0);
            acc21 += Avx2.MultiplyAddAdjacent(x, b1);
            x = Vector256.Create(*(int*)(a3 + offset)).AsInt16();
            acc30 += Avx2.MultiplyAddAdjacent(x, b0);
            acc31 += Avx2.MultiplyAddAdjacent(x, b1);
        }
        Store(acc00, acc01, rowSum[0], p[0], q, r, c, validCols);
        if (count > 1)
            Store(acc10, acc11, rowSum[1], p[1], q, r, c + ldc, validCols);
        if (count > 2)
            Store(acc20, acc21, rowSum[2], p[2], q, r, c + 2 * ldc, validCols);
        if (count > 3)
            Store(acc30, acc31, rowSum[3], p[3], q, r, c + 3 * ldc, validCols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run1(byte* a, byte* panel, int kGroups, int* rowSum, int* p, int* q, int* r, int* c, int validCols)
    {
        Vector256<int> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        nint kg = 0;
        for (; kg + 2 <= kGroups; kg += 2)
        {
            sbyte* line = (sbyte*)panel + kg * 32;
            var x = Vector256.Create(*(int*)(a + kg * 4)).AsInt16();
            var y = Vector256.Create(*(int*)(a + kg * 4 + 4)).AsInt16();
            acc0 += Avx2.MultiplyAddAdjacent(x, Avx2.ConvertToVector256Int16(line));
            acc1 += Avx2.MultiplyAddAdjacent(x, Avx2.ConvertToVector256Int16(line + 16));
            acc2 += Avx2.MultiplyAddAdjacent(y, Avx2.ConvertToVector256Int16(line + 32));
            acc3 += Avx2.MultiplyAddAdjacent(y, Avx2.ConvertToVector256Int16(line + 48));
        }
        if (kg < kGroups)
        {
            sbyte* line = (sbyte*)panel + kg * 32;
            var x = Vector256.Create(*(int*)(a + kg * 4)).AsInt16();
            acc0 += Avx2.MultiplyAddAdjacent(x, Avx2.ConvertToVector256Int16(line));
            acc1 += Avx2.MultiplyAddAdjacent(x, Avx2.ConvertToVector256Int16(line + 16));
        }
        Store(acc0 + acc2, acc1 + acc3, rowSum[0], p[0], q, r, c, validCols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Store(Vector256<int> low, Vector256<int> high, int rowSum, int p, int* q, int* r, int* c, int validCols)
    {
        var sum = Vector256.Create(rowSum);
        var pv = Vector256.Create(p);
        low += sum * Vector256.Load(q) + pv * Vector256.Load(r);
        high += sum * Vector256.Load(q + 8) + pv * Vector256.Load(r + 8);
        if (validCols == 16)
        {
            low.Store(c);
            high.Store(c + 8);
            return;
        }
        // Element by element: no stackalloc here, which would stop this from inlining and make the kernels spill accumulators.
        for (int col = 0; col < validCols; col++)
            c[col] = col < 8 ? low.GetElement(col) : high.GetElement(col - 8);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// ARM64 AdvSimd: B widened to int16 and multiplied by A (int16) with widening multiply-accumulate
/// (smlal/smlal2) into int32, exact on full-range data. Panels of 16 columns, one k at a time.
/// </summary>
internal readonly struct Int8GemmAdvSimd : IInt8GemmKernel
{
    public static int PanelWidth => 16;

    public static int KGroup => 1;

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
        Vector128<int> acc00 = default, acc01 = default, acc02 = default, acc03 = default;
        Vector128<int> acc10 = default, acc11 = default, acc12 = default, acc13 = default;
        Vector128<int> acc20 = default, acc21 = default, acc22 = default, acc23 = default;
        Vector128<int> acc30 = default, acc31 = default, acc32 = default, acc33 = default;
        short* a0 = (short*)a, a1 = (short*)(a + Math.Min(1, count - 1) * aStride), a2 = (short*)(a + Math.Min(2, count - 1) * aStride), a3 = (short*)(a + Math.Min(3, count - 1) * aStride);
        for (nint kk = 0; kk < kGroups; kk++)
        {
            var b = Vector128.Load((sbyte*)panel + kk * 16);
            var low = AdvSimd.SignExtendWideningLower(b.GetLower());
            var high = AdvSimd.SignExtendWideningUpper(b);
            var x = Vector128.Create(a0[kk]);
            acc00 = AdvSimd.MultiplyWideningLowerAndAdd(acc00, low.GetLower(), x.GetLower());
            acc01 = AdvSimd.MultiplyWideningUpperAndAdd(acc01, low, x);
            acc02 = AdvSimd.MultiplyWideningLowerAndAdd(acc02, high.GetLower(), x.GetLower());
            acc03 = AdvSimd.MultiplyWideningUpperAndAdd(acc03, high, x);
            x = Vector128.Create(a1[kk]);
            acc10 = AdvSimd.MultiplyWideningLowerAndAdd(acc10, low.GetLower(), x.GetLower());
            acc11 = AdvSimd.MultiplyWideningUpperAndAdd(acc11, low, x);
            acc12 = AdvSimd.MultiplyWideningLowerAndAdd(acc12, high.GetLower(), x.GetLower());
            acc13 = AdvSimd.MultiplyWideningUpperAndAdd(acc13, high, x);
            x = Vector128.Create(a2[kk]);
            acc20 = AdvSimd.MultiplyWideningLowerAndAdd(acc20, low.GetLower(), x.GetLower());
            acc21 = AdvSimd.MultiplyWideningUpperAndAdd(acc21, low, x);
            acc22 = AdvSimd.MultiplyWideningLowerAndAdd(acc22, high.GetLower(), x.GetLower());
            acc23 = AdvSimd.MultiplyWideningUpperAndAdd(acc23, high, x);
            x = Vector128.Create(a3[kk]);
            acc30 = AdvSimd.MultiplyWideningLowerAndAdd(acc30, low.GetLower(), x.GetLower());
            acc31 = AdvSimd.MultiplyWideningUpperAndAdd(acc31, low, x);
            acc32 = AdvSimd.MultiplyWideningLowerAndAdd(acc32, high.GetLower(), x.GetLower());
            acc33 = AdvSimd.MultiplyWideningUpperAndAdd(acc33, high, x);
        }
        Store(acc00, acc01, acc02, acc03, rowSum[0], p[0], q, r, c, validCols);
        if (count > 1)
            Store(acc10, acc11, acc12, acc13, rowSum[1], p[1], q, r, c + ldc, validCols);
        if (count > 2)
            Store(acc20, acc21, acc22, acc23, rowSum[2], p[2], q, r, c + 2 * ldc, validCols);
        if (count > 3)
            Store(acc30, acc31, acc32, acc33, rowSum[3], p[3], q, r, c + 3 * ldc, validCols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run1(byte* a, byte* panel, int kGroups, int* rowSum, int* p, int* q, int* r, int* c, int validCols)
    {
        Vector128<int> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        short* row = (short*)a;
        for (nint kk = 0; kk < kGroups; kk++)
        {
            var b = Vector128.Load((sbyte*)panel + kk * 16);
            var low = AdvSimd.SignExtendWideningLower(b.GetLower());
            var high = AdvSimd.SignExtendWideningUpper(b);
            var x = Vector128.Create(row[kk]);
            acc0 = AdvSimd.MultiplyWideningLowerAndAdd(acc0, low.GetLower(), x.GetLower());
            acc1 = AdvSimd.MultiplyWideningUpperAndAdd(acc1, low, x);
            acc2 = AdvSimd.MultiplyWideningLowerAndAdd(acc2, high.GetLower(), x.GetLower());
            acc3 = AdvSimd.MultiplyWideningUpperAndAdd(acc3, high, x);
        }
        Store(acc0, acc1, acc2, acc3, rowSum[0], p[0], q, r, c, validCols);
    }

    /// <summary>Applies the zero-point terms to 16 columns (four int32×4) and stores the valid ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Store(Vector128<int> v0, Vector128<int> v1, Vector128<int> v2, Vector128<int> v3,
        int rowSum, int p, int* q, int* r, int* c, int validCols)
    {
        var sum = Vector128.Create(rowSum);
        var pv = Vector128.Create(p);
        v0 += sum * Vector128.Load(q) + pv * Vector128.Load(r);
        v1 += sum * Vector128.Load(q + 4) + pv * Vector128.Load(r + 4);
        v2 += sum * Vector128.Load(q + 8) + pv * Vector128.Load(r + 8);
        v3 += sum * Vector128.Load(q + 12) + pv * Vector128.Load(r + 12);
        if (validCols == 16)
        {
            v0.Store(c);
            v1.Store(c + 4);
            v2.Store(c + 8);
            v3.Store(c + 12);
            return;
        }
        // Element by element: no stackalloc here, which would stop this from inlining and make the kernels spill accumulators.
        for (int col = 0; col < validCols; col++)
        {
            var part = (col >> 2) switch { 0 => v0, 1 => v1, 2 => v2, _ => v3 };
            c[col] = part.GetElement(col & 3);
        }
    }
}

using System.Runtime.Intrinsics;
using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// C = Σ_k (A − aZero)(B − bZero[n]) in int32. B is pre-packed (constant weights, through the int8
/// GEMM API) or read raw from a run-time tensor (row-major K×N, or N×K when transposed).
/// </summary>
internal static class Int8MatMul
{
    public static void Multiply(ReadOnlySpan<byte> a, bool aSigned, int m, int k, int lda, int aZero,
        PackedInt8Matrix? packed, ReadOnlySpan<byte> rawB, bool bSigned, bool bTransposed, int n,
        ReadOnlySpan<int> bZero, Span<int> c, int ldc, ParallelRunner parallel)
    {
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            for (int row = 0; row < m; row++)
                c.Slice(row * ldc, n).Clear();
            return;
        }
        if (packed is not null)
        {
            Span<int> aZeros = [aZero];
            Int8Gemm.Multiply(a, aSigned, m, lda, aZeros, packed, bZero, c, ldc, parallel);
            return;
        }
        for (int row = 0; row < m; row++)
        {
            var aRow = a.Slice(row * lda, k);
            var cRow = c.Slice(row * ldc, n);
            if (bTransposed)
            {
                for (int col = 0; col < n; col++)
                {
                    int zb = bZero.Length == 1 ? bZero[0] : bZero[col];
                    var bRow = rawB.Slice(col * k, k);
                    int sum = 0, kk = 0;
                    if (Vector256.IsHardwareAccelerated && k >= 8)
                    {
                        var vaZero = Vector256.Create(aZero);
                        var vbZero = Vector256.Create(zb);
                        var vSum = Vector256<int>.Zero;
                        for (; kk <= k - 8; kk += 8)
                            vSum += (Requantizer.WidenEight(aRow, kk, aSigned) - vaZero) * (Requantizer.WidenEight(bRow, kk, bSigned) - vbZero);
                        // Integer sums are exact in any order.
                        sum = Vector256.Sum(vSum);
                    }
                    for (; kk < k; kk++)
                        sum += ((aSigned ? (sbyte)aRow[kk] : aRow[kk]) - aZero) * ((bSigned ? (sbyte)bRow[kk] : bRow[kk]) - zb);
                    cRow[col] = sum;
                }
                continue;
            }
            cRow.Clear();
            for (int kk = 0; kk < k; kk++)
            {
                int av = (aSigned ? (sbyte)aRow[kk] : aRow[kk]) - aZero;
                if (av == 0)
                    continue;
                var bRow = rawB.Slice(kk * n, n);
                int col = 0;
                if (Vector256.IsHardwareAccelerated && n >= 8)
                {
                    var vA = Vector256.Create(av);
                    var vZero = Vector256.Create(bZero[0]);
                    for (; col <= n - 8; col += 8)
                    {
                        var zb = bZero.Length == 1 ? vZero : Vector256.Create(bZero.Slice(col, 8));
                        var sum = Vector256.Create((ReadOnlySpan<int>)cRow.Slice(col, 8)) + vA * (Requantizer.WidenEight(bRow, col, bSigned) - zb);
                        sum.CopyTo(cRow.Slice(col, 8));
                    }
                }
                for (; col < n; col++)
                    cRow[col] += av * ((bSigned ? (sbyte)bRow[col] : bRow[col]) - bZero[bZero.Length == 1 ? 0 : col]);
            }
        }
    }
}

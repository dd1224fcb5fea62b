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
                    int sum = 0;
                    for (int kk = 0; kk < k; kk++)
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
                if (bZero.Length == 1)
                {
                    int zb = bZero[0];
                    if (bSigned)
                        for (int col = 0; col < n; col++)
                            cRow[col] += av * ((sbyte)bRow[col] - zb);
                    else
                        for (int col = 0; col < n; col++)
                            cRow[col] += av * (bRow[col] - zb);
                }
                else
                {
                    for (int col = 0; col < n; col++)
                        cRow[col] += av * ((bSigned ? (sbyte)bRow[col] : bRow[col]) - bZero[col]);
                }
            }
        }
    }
}

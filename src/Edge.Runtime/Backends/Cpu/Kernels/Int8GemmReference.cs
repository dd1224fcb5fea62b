namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>The scalar int8 GEMM: the definition every optimised variant must match bit for bit.</summary>
internal static class Int8GemmReference
{
    public static void Multiply(ReadOnlySpan<byte> a, bool aSigned, int m, int lda, ReadOnlySpan<int> aZero,
        PackedInt8Matrix b, ReadOnlySpan<int> bZero, Span<int> c, int ldc)
    {
        int k = b.K, n = b.N;
        var data = b.Data;
        for (int row = 0; row < m; row++)
        {
            int za = aZero.Length == 1 ? aZero[0] : aZero[row];
            var aRow = a.Slice(row * lda, k);
            var cRow = c.Slice(row * ldc, n);
            for (int col = 0; col < n; col++)
            {
                int zb = bZero.Length == 1 ? bZero[0] : bZero[col];
                int sum = 0;
                for (int kk = 0; kk < k; kk++)
                {
                    int av = aSigned ? (sbyte)aRow[kk] : aRow[kk];
                    int bv = b.IsSigned ? (sbyte)data[kk * n + col] : data[kk * n + col];
                    sum += (av - za) * (bv - zb);
                }
                cRow[col] = sum;
            }
        }
    }
}

using Edge.Runtime.Operators.Recurrent;

namespace Edge.Runtime.Tests.Operators.Recurrent;

public sealed class RecurrentMatMulTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 16, 8)]
    [InlineData(7, 37, 13)]
    [InlineData(9, 64, 1)]
    [InlineData(2, 5, 0)]
    public void MatchesNaiveProductWithBiasAndStrides(int m, int n, int k)
    {
        var random = new Random(m * 100 + n * 10 + k);
        int lda = k + 2, ldb = n + 3, ldc = n + 1;
        var a = Enumerable.Range(0, m * lda).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, Math.Max(k, 1) * ldb).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var bias = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
        var c = Enumerable.Repeat(float.NaN, m * ldc).ToArray();

        RecurrentMatMul.Multiply(a, lda, b, ldb, c, ldc, m, n, k, bias);

        for (int row = 0; row < m; row++)
        {
            for (int col = 0; col < n; col++)
            {
                double expected = bias[col];
                for (int p = 0; p < k; p++)
                    expected += (double)a[row * lda + p] * b[p * ldb + col];
                Assert.Equal(expected, c[row * ldc + col], 4);
            }
            Assert.True(ldc == n || float.IsNaN(c[row * ldc + n]), "wrote past the row");
        }
    }
}

using Edge.Runtime.Operators.Recurrent;

namespace Edge.Runtime.Tests.Operators.Recurrent;

public sealed class RecurrentMatMulTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 16, 8)]
    [InlineData(7, 37, 13)]
    [InlineData(9, 64, 1)]
    [InlineData(5, 28, 6)]
    [InlineData(2, 5, 0)]
    public void MatchesNaiveProductOfTheTransposedWeightWithBiasAndStrides(int m, int n, int k)
    {
        var random = new Random(m * 100 + n * 10 + k);
        int lda = k + 2, ldc = n + 1;
        var a = Enumerable.Range(0, m * lda).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var weights = Enumerable.Range(0, n * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var bias = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
        var c = Enumerable.Repeat(float.NaN, m * ldc).ToArray();
        var packed = new float[n * k];

        RecurrentMatMul.Pack(weights, n, k, packed);
        RecurrentMatMul.Multiply(a, lda, packed, c, ldc, m, n, k, bias);

        for (int row = 0; row < m; row++)
        {
            for (int col = 0; col < n; col++)
            {
                double expected = bias[col];
                for (int p = 0; p < k; p++)
                    expected += (double)a[row * lda + p] * weights[col * k + p];
                Assert.Equal(expected, c[row * ldc + col], 4);
            }
            Assert.True(float.IsNaN(c[row * ldc + n]), "wrote past the row");
        }
    }
}

using Edge.Runtime.Operators.NN;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.NN.NodeHarness;

namespace Edge.Runtime.Tests.Operators.NN;

public sealed class GemmOperatorTests
{
    public static TheoryData<bool, bool, float, float, int[]?> Cases() => new()
    {
        { false, false, 1f, 1f, null },
        { true, false, 0.5f, 2f, [7] },
        { false, true, 1f, 1f, [1, 7] },
        { true, true, -1.5f, 0.25f, [5, 1] },
        { false, true, 2f, 3f, [5, 7] },
        { false, false, 1f, -1f, [] },
        { true, false, 1f, 0f, [5, 7] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesDefinitionForEveryLayoutAndBias(bool transA, bool transB, float alpha, float beta, int[]? cDims)
    {
        const int m = 5, k = 19, n = 7;
        var random = new Random(11);
        var a = Random(random, transA ? [k, m] : [m, k]);
        var b = Random(random, transB ? [n, k] : [k, n]);
        var c = cDims is null ? null : Random(random, cDims);
        var expected = Reference(a, b, c, transA, transB, alpha, beta, m, k, n);
        foreach (bool constant in new[] { true, false })
            foreach (string? activation in new[] { null, "Relu", "Clip" })
            {
                var node = Node("Gemm", c is null ? 2 : 3, attributes: [("transA", Int(transA ? 1 : 0)), ("transB", Int(transB ? 1 : 0)), ("alpha", Float(alpha)), ("beta", Float(beta))]);
                float lo = float.NegativeInfinity, hi = float.PositiveInfinity;
                if (activation is not null)
                {
                    node.Attributes.Set("activation", String(activation));
                    node.Attributes.Set("activation_params", activation == "Clip" ? Floats(lo = -0.3f, hi = 0.4f) : Floats());
                    if (activation == "Relu")
                        lo = 0f;
                }
                var y = Run(new GemmOperator(), node, c is null ? [a, b] : [a, b, c], [false, constant, constant])[0];
                Assert.Equal(new TensorShape(m, n), y.Shape);
                AssertClose(expected.Select(v => Math.Min(Math.Max(v, lo), hi)).ToArray(), y.AsSpan<float>());
            }
    }

    [Fact]
    public void InnerDimensionMismatchFailsNamingTheNode()
    {
        var node = Node("Gemm", 2, attributes: ("transB", Int(1)));
        var e = Assert.Throws<ModelException>(() => Prepare(new GemmOperator(), node, [Tensor.Allocate(DataType.Float32, new TensorShape(2, 3)), Tensor.Allocate(DataType.Float32, new TensorShape(3, 4))]));
        Assert.Contains("node 'n1' (Gemm", e.Message);
        Assert.Contains("K=", e.Message);
    }

    [Fact]
    public void NonBroadcastableBiasFails()
    {
        var node = Node("Gemm", 3);
        var e = Assert.Throws<ModelException>(() => Prepare(new GemmOperator(), node,
            [Tensor.Allocate(DataType.Float32, new TensorShape(2, 3)), Tensor.Allocate(DataType.Float32, new TensorShape(3, 4)), Tensor.Allocate(DataType.Float32, new TensorShape(3))]));
        Assert.Contains("'C'", e.Message);
    }

    private static double[] Reference(Tensor at, Tensor bt, Tensor? ct, bool transA, bool transB, float alpha, float beta, int m, int k, int n)
    {
        var a = at.AsSpan<float>();
        var b = bt.AsSpan<float>();
        var y = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (double)a[transA ? p * m + i : i * k + p] * b[transB ? j * k + p : p * n + j];
                double bias = 0;
                if (ct is not null)
                {
                    var c = ct.AsSpan<float>();
                    var s = ct.Shape;
                    int row = s.Rank == 2 && s[0] > 1 ? i : 0, col = s.Rank >= 1 && s[s.Rank - 1] > 1 ? j : 0;
                    bias = c[s.Rank == 2 ? row * s[1] + col : col];
                }
                y[i * n + j] = alpha * sum + beta * bias;
            }
        return y;
    }
}

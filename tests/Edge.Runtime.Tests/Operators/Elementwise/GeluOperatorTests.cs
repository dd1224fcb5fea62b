using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Elementwise.OperatorTestHarness;

namespace Edge.Runtime.Tests.Operators.Elementwise;

public sealed class GeluOperatorTests
{
    private static readonly float[] Xs = Enumerable.Range(0, 2001).Select(i => (i - 1000) * 0.01f).Append(30f).Append(-30f).ToArray();

    [Fact]
    public void ExactGeluMatchesTheDoubleFormula()
    {
        var result = RunGelu(null);
        for (int i = 0; i < Xs.Length; i++)
        {
            double x = Xs[i];
            double expected = 0.5 * x * (1 + ReferenceErf(x / Math.Sqrt(2)));
            AssertClose(expected, result[i], x);
        }
    }

    [Fact]
    public void TanhApproximationMatchesTheDoubleFormula()
    {
        var result = RunGelu("tanh");
        for (int i = 0; i < Xs.Length; i++)
        {
            double x = Xs[i];
            double expected = 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            AssertClose(expected, result[i], x);
        }
    }

    [Fact]
    public void UnknownApproximationIsRejectedNamingTheAttribute()
    {
        var error = Assert.Throws<ModelException>(() => RunGelu("fast"));
        Assert.Contains("approximate", error.Message);
        Assert.Contains("node0", error.Message);
    }

    [Fact]
    public void GeluIsNotClaimedBeforeOpset20()
    {
        var error = Assert.Throws<ModelException>(() => Run("Gelu", 19, [Tensor.FromArray(new TensorShape(1), new[] { 1f })]));
        Assert.Contains("opset 19", error.Message);
    }

    private static float[] RunGelu(string? approximate)
    {
        var attributes = approximate is null ? null : Attributes(("approximate", new AttributeValue(AttributeKind.String, String: approximate)));
        return Run("Gelu", 20, [Tensor.FromArray(new TensorShape(Xs.Length), Xs)], attributes)[0].AsSpan<float>().ToArray();
    }

    // For x ≪ 0 Gelu is a tiny difference (1 + erf ≈ 0): an absolute bound as ONNX Runtime's own float kernels have.
    private static void AssertClose(double expected, float actual, double x) =>
        Assert.True(Math.Abs(actual - expected) <= 2e-6 * Math.Abs(expected) + 1e-6, $"gelu({x}) = {actual}, expected {expected}");

    private static double ReferenceErf(double x)
    {
        if (Math.Abs(x) > 6)
            return Math.Sign(x);
        double term = x, sum = x;
        for (int n = 1; n < 300 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
    }

    [Fact]
    public void LargeTensorSplitAcrossThreadsGivesTheSameBits()
    {
        // 100 003 values: several chunks, none starting on a vector boundary of the whole tensor.
        var x = NN.NodeHarness.Random(new Random(3), 100_003);
        var node = NN.NodeHarness.Node("Gelu", 1, opset: 20);
        var one = NN.NodeHarness.Run(new Runtime.Operators.Elementwise.GeluOperator(), node, [x], threads: 1)[0].AsSpan<float>().ToArray();
        var two = NN.NodeHarness.Run(new Runtime.Operators.Elementwise.GeluOperator(), node, [x], threads: 2)[0].AsSpan<float>().ToArray();
        Assert.Equal(one, two);
        Assert.DoesNotContain(one, float.IsNaN);
    }
}

using Edge.Onnx.Protos;
using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using static Edge.Runtime.Tests.TestModels;

namespace Edge.Runtime.Tests.Planning.Transforms;

/// <summary>The exported erf-GELU chains become one Gelu node, with results within float rounding of the chain.</summary>
public sealed class GeluFusionTests
{
    private const int Float = 1;

    /// <summary>x/√2 → Erf → +1 → ·x → ·0.5 (PyTorch's F.gelu export), or x·0.5 first (Hugging Face's BERT).</summary>
    private static ModelProto GeluChain(bool halfFirst, bool multiplyByInverse = false, float one = 1f, bool erfAlsoOutput = false)
    {
        var nodes = new List<NodeProto>
        {
            multiplyByInverse ? Node("Mul", ["x", "inv_sqrt2"], ["scaled"]) : Node("Div", ["x", "sqrt2"], ["scaled"]),
            Node("Erf", ["scaled"], ["erf"]),
            Node("Add", ["one", "erf"], ["erf_plus_one"]),
        };
        if (halfFirst)
        {
            nodes.Add(Node("Mul", ["x", "half"], ["half_x"], "half"));
            nodes.Add(Node("Mul", ["erf_plus_one", "half_x"], ["y"], "outer"));
        }
        else
        {
            nodes.Add(Node("Mul", ["x", "erf_plus_one"], ["x_times"], "outer"));
            nodes.Add(Node("Mul", ["x_times", "half"], ["y"], "half"));
        }
        var outputs = new List<ValueInfoProto> { Value("y", Float, 2, 37) };
        if (erfAlsoOutput)
            outputs.Add(Value("erf", Float, 2, 37));
        return Model(nodes, [Value("x", Float, 2, 37)], outputs,
        [
            FloatTensor("sqrt2", [], MathF.Sqrt(2f)), FloatTensor("inv_sqrt2", [], 1f / MathF.Sqrt(2f)),
            FloatTensor("one", [], one), FloatTensor("half", [], 0.5f),
        ], opset: 13);
    }

    private static (List<string> Ops, float[] Fused, float[] Chain, float[] Input) Run(ModelProto model)
    {
        var x = FusedAndUnfused.RandomFloats(new Random(7), -6, 6, 2, 37);
        var (ops, fused, chain) = FusedAndUnfused.Run(model, new Dictionary<string, Tensor> { ["x"] = x });
        return (ops, fused.AsSpan<float>().ToArray(), chain.AsSpan<float>().ToArray(), x.AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ErfGeluChainBecomesOneGeluNodeWithTheChainsResults(bool halfFirst, bool multiplyByInverse)
    {
        var (ops, fused, chain, input) = Run(GeluChain(halfFirst, multiplyByInverse));
        Assert.Equal(["Gelu"], ops);
        for (int i = 0; i < fused.Length; i++)
        {
            double exact = 0.5 * input[i] * (1 + Erf(input[i] / Math.Sqrt(2)));
            Assert.True(Math.Abs(fused[i] - chain[i]) <= 2e-6 * Math.Max(1, Math.Abs(chain[i])), $"element {i}: fused {fused[i]}, chain {chain[i]}");
            Assert.True(Math.Abs(fused[i] - exact) <= 2e-6 * Math.Max(1, Math.Abs(exact)), $"element {i}: fused {fused[i]}, exact {exact}");
        }
    }

    [Fact]
    public void ChainWithAnotherConstantIsLeftAlone()
    {
        var (ops, _, _, _) = Run(GeluChain(halfFirst: false, one: 1.5f));
        Assert.Contains("Erf", ops);
        Assert.DoesNotContain("Gelu", ops);
    }

    [Fact]
    public void ChainWhoseErfIsAlsoAGraphOutputIsLeftAlone()
    {
        var (ops, _, _, _) = Run(GeluChain(halfFirst: false, erfAlsoOutput: true));
        Assert.Contains("Erf", ops);
        Assert.DoesNotContain("Gelu", ops);
    }

    /// <summary>erf by its Maclaurin series in double: about 1e-8 for |x| ≤ 4.3 (cancellation grows as e^{x²}).</summary>
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
            if (Math.Abs(term) < 1e-18)
                break;
        }
        return Math.Clamp(2 / Math.Sqrt(Math.PI) * sum, -1, 1);
    }
}

using Edge.Onnx.Protos;
using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using static Edge.Runtime.Tests.TestModels;

namespace Edge.Runtime.Tests.Planning.Transforms;

/// <summary>Attention's scale after Q·Kᵀ (Mul or Div by a scalar) moves into the MatMul with the unfused results.</summary>
public sealed class MatMulScaleFusionTests
{
    private const int Float = 1;

    /// <summary>q[2,2,5,8] · k[2,2,8,5] → scale → y[2,2,5,5]; with a bias, k is a constant [8,5] weight and bias[5] follows the scale.</summary>
    private static ModelProto ScaledScores(string scaleOp, bool scalarFirst = false, long[]? factorDims = null, bool withBias = false, float factor = 0.25f)
    {
        var nodes = new List<NodeProto>
        {
            Node("MatMul", ["q", "k"], ["scores"]),
            Node(scaleOp, scalarFirst ? ["factor", "scores"] : ["scores", "factor"], [withBias ? "scaled" : "y"]),
        };
        var initializers = new List<TensorProto> { FloatTensor("factor", factorDims ?? [], factor) };
        if (withBias)
        {
            nodes.Add(Node("Add", ["scaled", "bias"], ["y"]));
            initializers.Add(FloatTensor("bias", [5], 1f, -2f, 0.5f, 3f, -0.25f));
            initializers.Add(FloatTensor("k", [8, 5], Enumerable.Range(0, 40).Select(i => (i % 7) * 0.3f - 0.9f).ToArray()));
            return Model(nodes, [Value("q", Float, 2, 2, 5, 8)], [Value("y", Float, 2, 2, 5, 5)], initializers, opset: 13);
        }
        return Model(nodes, [Value("q", Float, 2, 2, 5, 8), Value("k", Float, 2, 2, 8, 5)], [Value("y", Float, 2, 2, 5, 5)], initializers, opset: 13);
    }

    private static (List<string> Ops, float[] Fused, float[] Unfused) Run(ModelProto model)
    {
        var random = new Random(5);
        var inputs = new Dictionary<string, Tensor> { ["q"] = FusedAndUnfused.RandomFloats(random, -2, 2, 2, 2, 5, 8) };
        if (model.Graph.Input.Any(i => i.Name == "k"))
            inputs["k"] = FusedAndUnfused.RandomFloats(random, -2, 2, 2, 2, 8, 5);
        var (ops, fused, unfused) = FusedAndUnfused.Run(model, inputs);
        return (ops, fused.AsSpan<float>().ToArray(), unfused.AsSpan<float>().ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: fused {actual[i]}, unfused {expected[i]}");
    }

    [Theory]
    [InlineData("Mul", false)]
    [InlineData("Mul", true)]
    [InlineData("Div", false)]
    public void ScaleByAScalarBecomesPartOfTheMatMul(string scaleOp, bool scalarFirst)
    {
        var (ops, fused, unfused) = Run(ScaledScores(scaleOp, scalarFirst, factor: scaleOp == "Div" ? 2.8284271f : 0.25f));
        Assert.Equal(["MatMul"], ops);
        AssertClose(unfused, fused);
    }

    [Fact]
    public void BiasAfterTheScaleIsAddedToTheScaledProduct()
    {
        var (ops, fused, unfused) = Run(ScaledScores("Mul", withBias: true));
        Assert.Equal(["MatMul"], ops);
        AssertClose(unfused, fused);
    }

    [Fact]
    public void ScalarDividedByTheProductIsLeftAlone()
    {
        var (ops, _, _) = Run(ScaledScores("Div", scalarFirst: true));
        Assert.Equal(["MatMul", "Div"], ops);
    }

    [Fact]
    public void OneElementFactorOfRankOneIsLeftAlone()
    {
        var (ops, _, _) = Run(ScaledScores("Mul", factorDims: [1]));
        Assert.Equal(["MatMul", "Mul"], ops);
    }
}

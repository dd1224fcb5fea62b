using Edge.Onnx.Protos;
using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using static Edge.Runtime.Tests.TestModels;

namespace Edge.Runtime.Tests.Planning.Transforms;

/// <summary>The decomposed LayerNorm exporters write below opset 17 runs as one LayerNormalization, with the chain's results.</summary>
public sealed class LayerNormFusionTests
{
    private const int Float = 1;
    private const int Width = 24;

    private static NodeProto ReduceMean(string input, string output, int opset, long axis)
    {
        if (opset >= 18)
            return Node("ReduceMean", [input, "axes"], [output]);
        var node = Node("ReduceMean", [input], [output]);
        node.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { axis } });
        return node;
    }

    private static ModelProto Chain(int opset = 13, long axis = -1, bool withBeta = true, bool centredAlsoOutput = false)
    {
        var nodes = new List<NodeProto>
        {
            ReduceMean("x", "mean", opset, axis),
            Node("Sub", ["x", "mean"], ["centred"]),
            Node("Pow", ["centred", "two"], ["squared"]),
            ReduceMean("squared", "variance", opset, axis),
            Node("Add", ["variance", "epsilon"], ["shifted"]),
            Node("Sqrt", ["shifted"], ["deviation"]),
            Node("Div", ["centred", "deviation"], ["normalised"]),
            Node("Mul", ["normalised", "gamma"], [withBeta ? "scaled" : "y"]),
        };
        if (withBeta)
            nodes.Add(Node("Add", ["scaled", "beta"], ["y"]));
        var random = new Random(3);
        float[] Vector() => Enumerable.Range(0, Width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var initializers = new List<TensorProto>
        {
            FloatTensor("two", [], 2f), FloatTensor("epsilon", [], 1e-5f), FloatTensor("gamma", [Width], Vector()), FloatTensor("beta", [Width], Vector()),
        };
        if (opset >= 18)
        {
            var axes = new TensorProto { Name = "axes", DataType = 7 };
            axes.Dims.Add(1);
            axes.Int64Data.Add(axis);
            initializers.Add(axes);
        }
        var outputs = new List<ValueInfoProto> { Value("y", Float, 3, 5, Width) };
        if (centredAlsoOutput)
            outputs.Add(Value("centred", Float, 3, 5, Width));
        return Model(nodes, [Value("x", Float, 3, 5, Width)], outputs, initializers, opset);
    }

    private static (List<string> Ops, float[] Fused, float[] Chain) Run(ModelProto model)
    {
        var x = FusedAndUnfused.RandomFloats(new Random(11), -3, 5, 3, 5, Width);
        var (ops, fused, chain) = FusedAndUnfused.Run(model, new Dictionary<string, Tensor> { ["x"] = x });
        return (ops, fused.AsSpan<float>().ToArray(), chain.AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData(13, true)]
    [InlineData(13, false)]
    [InlineData(18, true)]
    public void DecomposedLayerNormRunsAsOneNodeWithTheChainsResults(int opset, bool withBeta)
    {
        var (ops, fused, chain) = Run(Chain(opset, withBeta: withBeta));
        Assert.Equal(["LayerNormalization"], ops);
        for (int i = 0; i < fused.Length; i++)
            Assert.True(Math.Abs(fused[i] - chain[i]) <= 1e-5 * Math.Max(1, Math.Abs(chain[i])), $"element {i}: fused {fused[i]}, chain {chain[i]}");
    }

    [Fact]
    public void NormalisationOverAnotherAxisIsLeftAlone()
    {
        var (ops, _, _) = Run(Chain(axis: 1));
        Assert.DoesNotContain("LayerNormalization", ops);
    }

    [Fact]
    public void ChainWhoseCentredValueIsAlsoAGraphOutputIsLeftAlone()
    {
        var (ops, _, _) = Run(Chain(centredAlsoOutput: true));
        Assert.DoesNotContain("LayerNormalization", ops);
    }
}

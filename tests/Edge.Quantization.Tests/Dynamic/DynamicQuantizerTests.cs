using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Tests.Dynamic;

public sealed class DynamicQuantizerTests
{
    private static QuantizationResult QuantizeFixture(string fixture, bool perChannel, bool reduceRange) =>
        ModelQuantizer.Quantize(OnnxModelReader.ReadModel(FixtureData.Get(fixture).ModelPath),
            new QuantizationOptions { Mode = QuantizationMode.Dynamic, PerChannel = perChannel, ReduceRange = reduceRange });

    [Theory]
    [InlineData("mlp_fp32", false, false)]
    [InlineData("mlp_fp32", true, false)]
    [InlineData("mlp_fp32", true, true)]
    [InlineData("transformer_fp32", false, false)]
    [InlineData("transformer_fp32", true, true)]
    public void EdgeAndOnnxRuntimeAgreeBitForBit(string fixture, bool perChannel, bool reduceRange)
    {
        var data = FixtureData.Get(fixture);
        var model = QuantizeFixture(fixture, perChannel, reduceRange).Model;

        var edge = ModelRunner.RunEdge(model, data.InputName, data.TestInputs);
        var ort = ModelRunner.RunOrt(model, data.InputName, data.TestInputs);

        Assert.Equal(ort.Length, edge.Length);
        for (int i = 0; i < ort.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(ort[i]) == BitConverter.SingleToInt32Bits(edge[i]), $"element {i}: Edge {edge[i]:R}, ORT {ort[i]:R}");
    }

    [Theory]
    [InlineData("mlp_fp32")]
    [InlineData("transformer_fp32")]
    public void AccuracyStaysWithinOnePointOfFloat(string fixture)
    {
        var data = FixtureData.Get(fixture);
        var model = QuantizeFixture(fixture, perChannel: false, reduceRange: false).Model;

        double floatAccuracy = data.Accuracy(ModelRunner.RunOrt(OnnxModelReader.ReadModel(data.ModelPath), data.InputName, data.TestInputs));
        double int8Accuracy = data.Accuracy(ModelRunner.RunOrt(model, data.InputName, data.TestInputs));

        Console.WriteLine($"{fixture} dynamic: fp32 {floatAccuracy:P2}, int8 {int8Accuracy:P2}");
        Assert.True(Math.Abs(floatAccuracy - int8Accuracy) <= 0.01, $"fp32 {floatAccuracy:P2}, dynamic int8 {int8Accuracy:P2}");
    }

    [Fact]
    public void MlpBecomesTheOrtPatternThatEdgeFuses()
    {
        var result = QuantizeFixture("mlp_fp32", perChannel: false, reduceRange: false);
        var nodes = result.Model.Graph.Node;

        Assert.Equal(3, nodes.Count(n => n.OpType == "MatMulInteger"));
        Assert.Equal(3, nodes.Count(n => n.OpType == "DynamicQuantizeLinear"));
        Assert.DoesNotContain(nodes, n => n.OpType == "Gemm");
        // The bias Add writes the Gemm's original output name.
        Assert.Equal("Add", nodes.Single(n => n.Output.Contains("/fc1/Gemm_output_0")).OpType);
        Assert.Equal("Add", nodes.Single(n => n.Output.Contains("logits")).OpType);
        Assert.Equal(3, result.QuantizedCount);
        Assert.True(result.SizeAfter * 3 < result.SizeBefore, $"{result.SizeBefore} B → {result.SizeAfter} B");

        using var session = new InferenceSession(GraphImporter.Import(result.Model));
        Assert.Equal(3, session.Graph.Nodes.Count(n => n.OpType == "MatMulIntegerToFloat"));
        Assert.DoesNotContain(session.Graph.Nodes, n => n.OpType == "MatMulInteger");
    }

    [Theory]
    [InlineData(false, 127)]
    [InlineData(true, 63)]
    public void WeightsAreSymmetricInt8WithinTheRange(bool reduceRange, int limit)
    {
        var model = QuantizeFixture("mlp_fp32", perChannel: true, reduceRange).Model;
        var weights = model.Graph.Node.Where(n => n.OpType == "MatMulInteger")
            .Select(n => TensorProtoConverter.ToTensor(model.Graph.Initializer.Single(i => i.Name == n.Input[1]), n.Input[1]))
            .ToList();

        Assert.Equal(3, weights.Count);
        foreach (var w in weights)
        {
            Assert.Equal(DataType.Int8, w.Type);
            var values = w.AsSpan<sbyte>().ToArray();
            Assert.Equal(limit, values.Max(v => Math.Abs((int)v)));
        }
    }

    [Fact]
    public void ExcludedGemmStaysFloat()
    {
        var data = FixtureData.Get("mlp_fp32");
        var result = ModelQuantizer.Quantize(OnnxModelReader.ReadModel(data.ModelPath),
            new QuantizationOptions { Mode = QuantizationMode.Dynamic, ExcludedNodes = ["/fc2/Gemm"] });

        Assert.Equal(2, result.Model.Graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.Equal("Gemm", result.Model.Graph.Node.Single(n => n.Name == "/fc2/Gemm").OpType);
        var edge = ModelRunner.RunEdge(result.Model, data.InputName, data.TestInputs);
        var ort = ModelRunner.RunOrt(result.Model, data.InputName, data.TestInputs);
        for (int i = 0; i < ort.Length; i++)
            Assert.True(Math.Abs(edge[i] - ort[i]) <= 1e-4 * Math.Abs(ort[i]) + 1e-4, $"element {i}: Edge {edge[i]}, ORT {ort[i]}");
    }
}

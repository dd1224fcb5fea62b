using Edge.Onnx;
using Edge.Quantization.Calibration;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Tests.Static;

public sealed class StaticQuantizerTests
{
    private static QuantizationResult QuantizeFixture(string fixture, QuantizationOptions options)
    {
        var data = FixtureData.Get(fixture);
        return ModelQuantizer.Quantize(OnnxModelReader.ReadModel(data.ModelPath),
            options with { Mode = QuantizationMode.Static, CalibrationDirectory = data.CalibrationFolder });
    }

    public static TheoryData<string, CalibrationMethod, QuantizationFormat, bool, ActivationType> Configurations() => new()
    {
        { "kd_student", CalibrationMethod.MinMax, QuantizationFormat.Qdq, false, ActivationType.UInt8 },
        { "kd_student", CalibrationMethod.MinMax, QuantizationFormat.Qdq, true, ActivationType.Int8 },
        { "kd_student", CalibrationMethod.Percentile, QuantizationFormat.Qdq, true, ActivationType.UInt8 },
        { "kd_student", CalibrationMethod.Entropy, QuantizationFormat.Qdq, false, ActivationType.Int8 },
        { "kd_student", CalibrationMethod.MinMax, QuantizationFormat.QOperator, false, ActivationType.UInt8 },
        { "kd_student", CalibrationMethod.MinMax, QuantizationFormat.QOperator, true, ActivationType.Int8 },
        { "kd_student", CalibrationMethod.Percentile, QuantizationFormat.QOperator, false, ActivationType.Int8 },
        { "kd_student", CalibrationMethod.Entropy, QuantizationFormat.QOperator, true, ActivationType.UInt8 },
        { "teacher_cnn", CalibrationMethod.MinMax, QuantizationFormat.Qdq, true, ActivationType.UInt8 },
        { "teacher_cnn", CalibrationMethod.Entropy, QuantizationFormat.QOperator, true, ActivationType.UInt8 },
        { "mlp_fp32", CalibrationMethod.MinMax, QuantizationFormat.Qdq, false, ActivationType.UInt8 },
        { "mlp_fp32", CalibrationMethod.Percentile, QuantizationFormat.QOperator, true, ActivationType.Int8 },
        { "transformer_fp32", CalibrationMethod.MinMax, QuantizationFormat.Qdq, true, ActivationType.UInt8 },
        { "transformer_fp32", CalibrationMethod.MinMax, QuantizationFormat.QOperator, false, ActivationType.Int8 },
        { "transformer_fp32", CalibrationMethod.Entropy, QuantizationFormat.QOperator, true, ActivationType.UInt8 },
        { "transformer_fp32", CalibrationMethod.Percentile, QuantizationFormat.Qdq, false, ActivationType.Int8 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void EdgeAndOnnxRuntimeAgree(string fixture, CalibrationMethod method, QuantizationFormat format, bool perChannel, ActivationType activations)
    {
        var data = FixtureData.Get(fixture);
        var model = QuantizeFixture(fixture, new QuantizationOptions { CalibrationMethod = method, Format = format, PerChannel = perChannel, ActivationType = activations }).Model;

        var edge = ModelRunner.RunEdge(model, data.InputName, data.TestInputs);
        var ort = ModelRunner.RunOrt(model, data.InputName, data.TestInputs);

        Assert.Equal(ort.Length, edge.Length);
        double step = ModelRunner.OutputStep(model, "logits");
        // QDQ: the fused int8 kernels may land one output step away from ORT's (DESIGN §1).
        // QOperator: the same integer ops on both sides, so the same bits.
        double allowed = format == QuantizationFormat.Qdq ? step * 1.001 : 0;
        int differing = 0;
        for (int i = 0; i < ort.Length; i++)
        {
            double diff = Math.Abs(edge[i] - ort[i]);
            Assert.True(diff <= allowed, $"element {i}: Edge {edge[i]:R}, ORT {ort[i]:R} (step {step:G5})");
            if (diff > 0) differing++;
        }
        double floatAccuracy = data.Accuracy(ModelRunner.RunOrt(OnnxModelReader.ReadModel(data.ModelPath), data.InputName, data.TestInputs));
        Console.WriteLine($"{fixture} {method} {format} perChannel={perChannel} {activations}: fp32 {floatAccuracy:P2}, ORT {data.Accuracy(ort):P2}, Edge {data.Accuracy(edge):P2}, {differing} of {ort.Length} elements differ");
        // The quantizer's bar: every calibrator and format stays within one point of the float model.
        Assert.True(Math.Abs(floatAccuracy - data.Accuracy(edge)) <= 0.01, $"fp32 {floatAccuracy:P2}, int8 {data.Accuracy(edge):P2}");
    }

    [Theory]
    [InlineData("teacher_cnn")]
    [InlineData("kd_student")]
    public void PerChannelAccuracyStaysWithinOnePointOfFloat(string fixture)
    {
        var data = FixtureData.Get(fixture);
        var model = QuantizeFixture(fixture, new QuantizationOptions { PerChannel = true }).Model;

        double floatAccuracy = data.Accuracy(ModelRunner.RunOrt(OnnxModelReader.ReadModel(data.ModelPath), data.InputName, data.TestInputs));
        double int8Accuracy = data.Accuracy(ModelRunner.RunEdge(model, data.InputName, data.TestInputs));

        Console.WriteLine($"{fixture} static per-channel QDQ minmax: fp32 {floatAccuracy:P2}, int8 {int8Accuracy:P2}");
        Assert.True(Math.Abs(floatAccuracy - int8Accuracy) <= 0.01, $"fp32 {floatAccuracy:P2}, static int8 {int8Accuracy:P2}");
    }

    [Fact]
    public void QdqModelKeepsNamesFoldsBatchNormAndFusesRelu()
    {
        var result = QuantizeFixture("teacher_cnn", new QuantizationOptions { PerChannel = true });
        var graph = result.Model.Graph;
        NodeProtoLookup lookup = new(graph);

        Assert.DoesNotContain(graph.Node, n => n.OpType == "BatchNormalization");
        // The Relu reads the Conv directly (no Q/DQ between a layer and its activation) and keeps its output name.
        var relu = lookup.Producer("/relu1/Relu_output_0");
        Assert.Equal("Relu", relu.OpType);
        Assert.Equal("Conv", lookup.Producer(relu.Input[0]).OpType);
        Assert.Equal("QuantizeLinear", lookup.Producer("/relu1/Relu_output_0_quantized").OpType);
        Assert.Equal("DequantizeLinear", lookup.Producer("/relu1/Relu_output_0_dequantized").OpType);
        // The result is float from a DequantizeLinear, under its own name.
        Assert.Equal("DequantizeLinear", lookup.Producer("logits").OpType);

        foreach (var conv in graph.Node.Where(n => n.OpType == "Conv"))
        {
            var dqWeight = lookup.Producer(conv.Input[1]);
            Assert.Equal("DequantizeLinear", dqWeight.OpType);
            var weights = lookup.Initializer(dqWeight.Input[0]);
            Assert.Equal(DataType.Int8, weights.Type);
            Assert.All(weights.AsSpan<sbyte>().ToArray(), v => Assert.InRange((int)v, -127, 127));
            Assert.All(lookup.Initializer(dqWeight.Input[2]).AsSpan<sbyte>().ToArray(), v => Assert.Equal(0, (int)v));

            var dqBias = lookup.Producer(conv.Input[2]);
            Assert.Equal(DataType.Int32, lookup.Initializer(dqBias.Input[0]).Type);
            float inputScale = lookup.Initializer(lookup.Producer(conv.Input[0]).Input[1]).AsSpan<float>()[0];
            var weightScales = lookup.Initializer(dqWeight.Input[1]).AsSpan<float>().ToArray();
            var biasScales = lookup.Initializer(dqBias.Input[1]).AsSpan<float>().ToArray();
            Assert.Equal(weightScales.Length, biasScales.Length);
            for (int c = 0; c < biasScales.Length; c++)
                Assert.True(Math.Abs(inputScale * weightScales[c] - biasScales[c]) <= 1e-6f * biasScales[c], $"{conv.Name} channel {c}: bias scale {biasScales[c]} is not x_scale·w_scale");
        }
        Assert.Contains(result.Decisions, d => d.OpType == "BatchNormalization" && d.Quantized);
    }

    [Fact]
    public void EdgeFusesTheQdqModelIntoInt8Kernels()
    {
        var model = QuantizeFixture("kd_student", new QuantizationOptions { PerChannel = true }).Model;

        using var session = new InferenceSession(GraphImporter.Import(model));
        var ops = session.Graph.Nodes.Select(n => n.OpType).ToList();

        Assert.Equal(2, ops.Count(o => o == "QLinearConv"));
        Assert.Equal(2, ops.Count(o => o == "QGemm"));
        Assert.DoesNotContain("Conv", ops);
        Assert.DoesNotContain("Gemm", ops);
    }

    [Fact]
    public void ExcludedNodeStaysFloatAndTheModelStillRunsInBothRuntimes()
    {
        var data = FixtureData.Get("kd_student");
        var result = QuantizeFixture("kd_student", new QuantizationOptions { ExcludedNodes = ["/fc2/Gemm"] });
        var model = result.Model;

        var fc2 = model.Graph.Node.Single(n => n.Name == "/fc2/Gemm");
        Assert.Equal("Gemm", fc2.OpType);
        Assert.Contains(model.Graph.Initializer, i => i.Name == fc2.Input[1] && i.DataType == (int)DataType.Float32);
        Assert.Contains(result.Decisions, d => d.Node == "/fc2/Gemm" && !d.Quantized && d.Reason == "excluded");
        var edge = ModelRunner.RunEdge(model, data.InputName, data.TestInputs);
        var ort = ModelRunner.RunOrt(model, data.InputName, data.TestInputs);
        for (int i = 0; i < ort.Length; i++)
            Assert.True(Math.Abs(edge[i] - ort[i]) <= 1e-4 * Math.Abs(ort[i]) + 1e-4, $"element {i}: Edge {edge[i]}, ORT {ort[i]}");
    }

    [Fact]
    public void QOperatorModelUsesInt8OpsAndKeepsTheOutputName()
    {
        var model = QuantizeFixture("teacher_cnn", new QuantizationOptions { Format = QuantizationFormat.QOperator }).Model;
        var ops = model.Graph.Node.Select(n => n.OpType).ToList();

        Assert.Equal(3, ops.Count(o => o == "QLinearConv"));
        Assert.Equal(2, ops.Count(o => o == "QGemm"));
        Assert.Equal(1, ops.Count(o => o == "QuantizeLinear"));
        Assert.DoesNotContain("Relu", ops);
        Assert.Equal("DequantizeLinear", model.Graph.Node.Single(n => n.Output.Contains("logits")).OpType);
        Assert.Contains(model.OpsetImport, o => o.Domain == "com.microsoft");
    }

    [Fact]
    public void UnknownExcludedNodeIsNamedInTheError()
    {
        var error = Assert.Throws<QuantizationException>(() => QuantizeFixture("kd_student", new QuantizationOptions { ExcludedNodes = ["/conv9/Conv"] }));
        Assert.Contains("'/conv9/Conv'", error.Message);
    }

    /// <summary>Producers and initializers of a graph by name.</summary>
    private sealed class NodeProtoLookup(Edge.Onnx.Protos.GraphProto graph)
    {
        public Edge.Onnx.Protos.NodeProto Producer(string value) => graph.Node.Single(n => n.Output.Contains(value));

        public Tensor Initializer(string name) => TensorProtoConverter.ToTensor(graph.Initializer.Single(i => i.Name == name), name);
    }
}

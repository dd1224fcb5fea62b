using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;

namespace Edge.Quantization.Tests.Static;

/// <summary>Add, Mul, Concat and GlobalAveragePool on int8 data (QLinearAdd/Mul/Concat/GlobalAveragePool), on a seeded residual CNN.</summary>
public sealed class Int8OperatorTests : IDisposable
{
    private readonly string _calibration = Directory.CreateTempSubdirectory("edge-residual-").FullName;

    public Int8OperatorTests() => ResidualModel.WriteCalibration(_calibration);

    public void Dispose() => Directory.Delete(_calibration, recursive: true);

    [Theory]
    [InlineData(QuantizationFormat.Qdq, ActivationType.UInt8)]
    [InlineData(QuantizationFormat.QOperator, ActivationType.UInt8)]
    [InlineData(QuantizationFormat.QOperator, ActivationType.Int8)]
    public void ResidualModelRunsAlikeInEdgeAndOnnxRuntime(QuantizationFormat format, ActivationType activations)
    {
        var result = ModelQuantizer.Quantize(ResidualModel.Create(), new QuantizationOptions
        {
            Mode = QuantizationMode.Static, CalibrationDirectory = _calibration, Format = format, ActivationType = activations, PerChannel = true,
        });
        var model = result.Model;
        Assert.True(result.FloatCount == 0, string.Join("; ", result.Decisions.Where(d => !d.Quantized).Select(d => $"{d.Node}: {d.Reason}")));
        if (format == QuantizationFormat.QOperator)
        {
            var ops = model.Graph.Node.Select(n => n.OpType).ToList();
            Assert.Contains("QLinearAdd", ops);
            Assert.Contains("QLinearMul", ops);
            Assert.Contains("QLinearConcat", ops);
            Assert.Contains("QLinearGlobalAveragePool", ops);
        }
        else
        {
            using var session = new InferenceSession(GraphImporter.Import(model));
            var fused = session.Graph.Nodes.Select(n => n.OpType).ToList();
            Assert.Contains("QLinearAdd", fused);
            Assert.Contains("QLinearConcat", fused);
        }

        var input = ResidualModel.Inputs(seed: 7, batch: 32);
        var edge = ModelRunner.RunEdge(model, "input", input);
        var ort = ModelRunner.RunOrt(model, "input", input);
        double allowed = format == QuantizationFormat.Qdq ? ModelRunner.OutputStep(model, "logits") * 1.001 : 0;
        for (int i = 0; i < ort.Length; i++)
            Assert.True(Math.Abs(edge[i] - ort[i]) <= allowed, $"element {i}: Edge {edge[i]:R}, ORT {ort[i]:R}");
    }
}

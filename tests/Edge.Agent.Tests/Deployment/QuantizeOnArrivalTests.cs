using Edge.Agent.Deployment;
using Edge.Quantization;
using Edge.Quantization.Calibration;
using Edge.Runtime.Tests;

namespace Edge.Agent.Tests.Deployment;

/// <summary>The manifest's <c>quantize</c> object: packed by the sender, read back by the device, bad fields named.</summary>
public sealed class QuantizeOnArrivalTests
{
    private static string Calibration => Path.Combine(RepositoryPaths.Fixtures, "kd_student", "calibration");

    [Fact]
    public void StaticRequestRoundTripsThroughTheManifest()
    {
        var packed = QuantizeOnArrival.Pack(QuantizationMode.Static, Calibration, perChannel: true, QuantizationFormat.QOperator, CalibrationMethod.Entropy, ActivationType.Int8);
        var read = QuantizeOnArrival.From(System.Text.Json.Nodes.JsonNode.Parse(packed.ToJsonString()))!;

        Assert.Equal(QuantizationMode.Static, read.Options.Mode);
        Assert.True(read.Options.PerChannel);
        Assert.Equal(QuantizationFormat.QOperator, read.Options.Format);
        Assert.Equal(CalibrationMethod.Entropy, read.Options.CalibrationMethod);
        Assert.Equal(ActivationType.Int8, read.Options.ActivationType);
        var files = Directory.GetFiles(Calibration, "*.pb").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files.Count, read.Calibration.Count);
        Assert.Equal(File.ReadAllBytes(files[0]), read.Calibration[0]);
    }

    [Theory]
    [InlineData("""{ "mode": "sometimes" }""", "quantize.mode")]
    [InlineData("""{ "mode": "static" }""", "quantize.calibration")]
    [InlineData("""{ "mode": "static", "calibration": ["%%%"] }""", "quantize.calibration[0]")]
    [InlineData("""{ "mode": "dynamic", "format": "tflite" }""", "quantize.format")]
    [InlineData("""[1, 2]""", "quantize")]
    public void BadRequestIsRefusedNamingTheField(string json, string field)
    {
        var e = Assert.Throws<DeployRefusedException>(() => QuantizeOnArrival.From(System.Text.Json.Nodes.JsonNode.Parse(json)));
        Assert.Equal(DeployRefusal.InvalidManifest, e.Reason);
        Assert.Contains($"manifest {field}:", e.Message);
    }

    [Fact]
    public void ModelTheQuantizerCannotHandleIsRefusedAsInvalid()
    {
        using var folder = new TempFolder();
        string garbage = folder.File("model.onnx");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5]);
        var request = QuantizeOnArrival.From(System.Text.Json.Nodes.JsonNode.Parse("""{ "mode": "dynamic" }"""))!;

        var e = Assert.Throws<DeployRefusedException>(() => request.Apply(garbage, folder.File("scratch")));
        Assert.Equal(DeployRefusal.InvalidModel, e.Reason);
        Assert.Contains("quantizing on arrival (dynamic) failed", e.Message);
        Assert.False(Directory.Exists(folder.File("scratch")));
    }
}

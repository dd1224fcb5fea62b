using System.Text.Json;

namespace Edge.Cli.Tests.Commands;

public sealed class InspectCommandTests
{
    private static string Fixture(string name) => Path.Combine(Edge.Runtime.Tests.RepositoryPaths.Fixtures, name, "model.onnx");

    [Fact]
    public void DynamicModelLayersAreReportedPerTensorOrPerChannel()
    {
        var result = EdgeProcess.Run("inspect", Fixture("dynamic_mlp"), "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var layers = json.RootElement.GetProperty("Layers").EnumerateArray().ToList();
        Assert.Equal(3, layers.Count);
        Assert.All(layers, l => Assert.Equal("dynamic, QOperator", l.GetProperty("Scheme").GetString()));
        Assert.Equal(["per-tensor", "per-channel", "per-tensor"], layers.Select(l => l.GetProperty("Granularity").GetString()));
    }

    [Fact]
    public void StaticQdqModelIsReportedAsPerChannelInt8()
    {
        var result = EdgeProcess.Run("inspect", Fixture("ptq_per_channel"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("quantized   5 of 5 compute layers", result.Stdout);
        Assert.Matches(@"/conv1/Conv\s+Conv\s+int8\s+per-channel\s+static, QDQ", result.Stdout);
    }

    [Fact]
    public void FloatModelHasNoQuantizedLayers()
    {
        var result = EdgeProcess.Run("inspect", Fixture("teacher_cnn"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("quantized   0 of 5 compute layers", result.Stdout);
    }
}

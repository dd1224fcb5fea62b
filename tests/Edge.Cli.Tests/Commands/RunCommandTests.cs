using System.Text.Json;
using Edge.Onnx;

namespace Edge.Cli.Tests.Commands;

public sealed class RunCommandTests
{
    private const string IdentityTest = "/usr/share/libonnx-testdata/data/node/test_identity";

    [Fact]
    public void OutputsAreWrittenAsTensorProtoFilesNamedAfterTheOutputs()
    {
        using var temp = new TempFolder();
        var result = EdgeProcess.Run("run", Path.Combine(IdentityTest, "model.onnx"), "--input", Path.Combine(IdentityTest, "test_data_set_0", "input_0.pb"), "--output-dir", temp.Path);
        Assert.Equal(0, result.ExitCode);
        var written = OnnxModelReader.ReadTensor(Path.Combine(temp.Path, "y.pb"));
        var expected = OnnxModelReader.ReadTensor(Path.Combine(IdentityTest, "test_data_set_0", "output_0.pb"));
        Assert.Equal(expected.Dims, written.Dims);
        Assert.Equal(expected.RawData, written.RawData);
    }

    [Fact]
    public void BenchJsonHasTheDocumentedKeys()
    {
        var result = EdgeProcess.Run("bench", Path.Combine(IdentityTest, "model.onnx"), "--iterations", "20", "--warmup", "2", "--json");
        Assert.Equal(0, result.ExitCode);
        string last = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        using var json = JsonDocument.Parse(last);
        foreach (string key in new[] { "p50_ms", "p90_ms", "p99_ms", "min_ms", "mean_ms", "throughput_per_s", "gops", "weight_bytes", "activation_bytes", "achieved_gbps" })
            Assert.True(json.RootElement.TryGetProperty(key, out _), $"missing key {key}");
        Assert.True(json.RootElement.GetProperty("p99_ms").GetDouble() >= json.RootElement.GetProperty("p50_ms").GetDouble());
    }

    [Fact]
    public void OpsMarkdownListsEveryRegisteredOperator()
    {
        var result = EdgeProcess.Run("ops", "--markdown");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("| Identity | ai.onnx |", result.Stdout);
        int rows = result.Stdout.Split('\n').Count(l => l.StartsWith("| ") && !l.StartsWith("| operator"));
        Assert.Equal(Edge.Runtime.Operators.OperatorRegistry.Default.All.Count(), rows);
    }
}

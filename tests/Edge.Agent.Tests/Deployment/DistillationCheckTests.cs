using System.Text.Json.Nodes;
using Edge.Agent.Deployment;

namespace Edge.Agent.Tests.Deployment;

/// <summary>The manifest's <c>distillation</c> object: thresholds and tensors read back, bad fields named.</summary>
public sealed class DistillationCheckTests
{
    private const string Tensor = "CAEQAUoEAACAPw=="; // any base64: parsed as a TensorProto only when the gate runs

    [Fact]
    public void ThresholdsAndTeacherAreReadBack()
    {
        var check = DistillationCheck.From(JsonNode.Parse($$"""{ "temperature": 4, "minAgreement": 0.9, "maxKl": 0.1, "minAccuracy": 0.8, "inputs": "{{Tensor}}", "labels": "{{Tensor}}", "teacher": "big" }"""))!;
        Assert.Equal(4, check.Thresholds.Temperature);
        Assert.Equal(0.9, check.Thresholds.MinTop1Agreement);
        Assert.Equal(0.1, check.Thresholds.MaxKlDivergence);
        Assert.Equal(0.8, check.Thresholds.MinAccuracy);
        Assert.Equal("big", check.TeacherModel);
        Assert.Null(check.TeacherLogits);
    }

    [Theory]
    [InlineData("""{ "teacher": "t" }""", "distillation.inputs")]
    [InlineData("""{ "inputs": "AAAA" }""", "distillation:")]
    [InlineData("""{ "inputs": "AAAA", "teacher": "t", "minAgreement": 1.5 }""", "distillation:")]
    [InlineData("""{ "inputs": "AAAA", "teacher": "t", "minAccuracy": 0.9 }""", "distillation.labels")]
    [InlineData("""{ "inputs": "%%", "teacher": "t" }""", "distillation.inputs")]
    [InlineData("""{ "inputs": "AAAA", "teacher": 3 }""", "distillation.teacher")]
    [InlineData("""{ "inputs": "AAAA", "teacher": "t", "maxKl": "low" }""", "distillation.maxKl")]
    public void BadGateIsRefusedNamingTheField(string json, string field)
    {
        var e = Assert.Throws<DeployRefusedException>(() => DistillationCheck.From(JsonNode.Parse(json)));
        Assert.Equal(DeployRefusal.InvalidManifest, e.Reason);
        Assert.Contains($"manifest {field}", e.Message);
    }
}

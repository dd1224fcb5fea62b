using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Edge.Runtime.Tests.Fixtures;

namespace Edge.Runtime.Tests.Planning.Transforms;

/// <summary>The fusions fire on the real PyTorch exports, and change results only as far as the issue allows.</summary>
public sealed class FixtureFusionTests
{
    private static (InferenceSession Fused, InferenceSession Unfused, Tensor Inputs, FixtureModel Fixture) Sessions(string name)
    {
        var fixture = FixtureModel.Load(Path.Combine(RepositoryPaths.Fixtures, name));
        return (InferenceSession.Load(fixture.ModelPath),
                InferenceSession.Load(fixture.ModelPath, new SessionOptions { Optimizer = GraphOptimizer.None }),
                fixture.TestInputs(), fixture);
    }

    private static List<string> PlannedOps(InferenceSession session, Tensor input) =>
        session.GetPlan([(input.Type, input.Shape)]).Steps.Select(s => s.Node.OpType).ToList();

    [Theory]
    [InlineData("ptq_per_tensor")]
    [InlineData("ptq_per_channel")]
    [InlineData("qat_student")]
    public void QdqConvAndGemmRunAsInt8KernelsWithinOneOutputStep(string name)
    {
        var (fused, unfused, inputs, fixture) = Sessions(name);
        var ops = PlannedOps(fused, inputs);
        Assert.Contains("QLinearConv", ops);
        Assert.Contains("QGemm", ops);
        Assert.DoesNotContain("Conv", ops);
        Assert.DoesNotContain("Gemm", ops);
        // PyTorch's uint8→uint8 Casts are gone, and MaxPool runs on the quantized tensor.
        Assert.DoesNotContain("Cast", ops);

        var a = fused.Run(new Dictionary<string, Tensor> { [fixture.InputName] = inputs })[fixture.OutputName].AsSpan<float>();
        var b = unfused.Run(new Dictionary<string, Tensor> { [fixture.InputName] = inputs })[fixture.OutputName].AsSpan<float>();
        double step = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.Folder, "info.json"))).RootElement.GetProperty("output_step").GetDouble();
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= step * 1.001, $"element {i}: fused {a[i]}, float reading {b[i]}, step {step}");
    }

    [Theory]
    [InlineData("dynamic_mlp")]
    [InlineData("dynamic_transformer")]
    public void DynamicQuantizedMatMulsFuseAndStayBitExact(string name)
    {
        var (fused, unfused, inputs, fixture) = Sessions(name);
        var ops = PlannedOps(fused, inputs);
        Assert.Contains("MatMulIntegerToFloat", ops);
        Assert.DoesNotContain("MatMulInteger", ops);
        Assert.DoesNotContain("Cast", ops);
        var a = fused.Run(new Dictionary<string, Tensor> { [fixture.InputName] = inputs })[fixture.OutputName].AsSpan<float>();
        var b = unfused.Run(new Dictionary<string, Tensor> { [fixture.InputName] = inputs })[fixture.OutputName].AsSpan<float>();
        Assert.True(a.SequenceEqual(b), "the fused kernel must perform the same float operations as the graph it replaces");
    }

    [Fact]
    public void BatchNormFoldsIntoConvAndReluFusesIntoItsProducer()
    {
        var (fused, unfused, inputs, fixture) = Sessions("teacher_cnn");
        var ops = PlannedOps(fused, inputs);
        Assert.DoesNotContain("BatchNormalization", ops);
        Assert.DoesNotContain("Relu", ops);
        var a = fused.Run(new Dictionary<string, Tensor> { [fixture.InputName] = inputs })[fixture.OutputName].AsSpan<float>();
        var b = unfused.Run(new Dictionary<string, Tensor> { [fixture.InputName] = inputs })[fixture.OutputName].AsSpan<float>();
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4 * Math.Abs(b[i]) + 1e-4, $"element {i}: fused {a[i]}, unfused {b[i]}");
    }
}

using Edge.Agent.Deployment;
using Edge.Agent.Inference;
using Edge.Agent.Tests.Deployment;
using Edge.Agent.Tests.Mqtt;
using Edge.Onnx;
using Edge.Quantization;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Edge.Runtime.Tests;

namespace Edge.Agent.Tests.Hosting;

/// <summary>A distilled fp32 student pushed with <c>quantize</c> is quantized by the device, then validated and served as int8.</summary>
public sealed class MosquittoQuantizeOnArrivalTests : AgentOnMosquitto
{

    [Fact]
    public async Task Student_pushed_with_static_quantize_is_served_as_the_int8_model_the_device_made()
    {
        string fixture = Path.Combine(RepositoryPaths.Fixtures, "kd_student");
        var quantize = QuantizeOnArrival.Pack(QuantizationMode.Static, Path.Combine(fixture, "calibration"), perChannel: true);
        var client = new DeployClient(Device.Client, Device.Topics);

        var result = await client.PushAsync("digits", "2.0", File.ReadAllBytes(Path.Combine(fixture, "model.onnx")), Trusted, false, TimeSpan.FromSeconds(60), default, quantize: quantize);

        Assert.True(result.IsActive, $"{result.FinalState.Reason}: {result.FinalState.Message}");
        Assert.Contains("quantized on arrival (static qdq per-channel", result.FinalState.Message);
        string stored = Device.Agent.Store.ModelPath("digits", "2.0");
        var ops = OnnxModelReader.ReadModel(stored).Graph.Node.Select(n => n.OpType).ToList();
        Assert.Contains("QuantizeLinear", ops);
        Assert.Contains("DequantizeLinear", ops);

        // What the device serves is exactly what its stored int8 model computes, and still reads the digit right.
        var input = OnnxModelReader.ReadTensor(RepoFiles.SampleInput);
        await using var inference = await InferenceClient.CreateAsync(Device.Client, Device.Topics, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var served = TensorProtoConverter.ToTensor(Assert.Single(await inference.InferAsync("digits", [input], timeout.Token)), "served").AsSpan<float>().ToArray();
        using var local = InferenceSession.Load(stored);
        var inputTensor = TensorProtoConverter.ToTensor(input, "input");
        var expected = local.Run(new Dictionary<string, Tensor> { [local.Inputs[0].Name] = inputTensor }).Values.Single().AsSpan<float>().ToArray();
        Assert.Equal(expected, served);
        var fp32 = TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(RepoFiles.SampleOutput), "fp32").AsSpan<float>().ToArray();
        Assert.Equal(Array.IndexOf(fp32, fp32.Max()), Array.IndexOf(served, served.Max()));
    }

    [Fact]
    public async Task Mlp_pushed_with_dynamic_quantize_runs_matmul_integer()
    {
        string fixture = Path.Combine(RepositoryPaths.Fixtures, "mlp_fp32");
        var quantize = QuantizeOnArrival.Pack(QuantizationMode.Dynamic, calibrationFolder: null);
        var client = new DeployClient(Device.Client, Device.Topics);

        var result = await client.PushAsync("mlp", "1.0", File.ReadAllBytes(Path.Combine(fixture, "model.onnx")), Trusted, false, TimeSpan.FromSeconds(60), default, quantize: quantize);

        Assert.True(result.IsActive, $"{result.FinalState.Reason}: {result.FinalState.Message}");
        var ops = OnnxModelReader.ReadModel(Device.Agent.Store.ModelPath("mlp", "1.0")).Graph.Node.Select(n => n.OpType).ToList();
        Assert.Contains("DynamicQuantizeLinear", ops);
        Assert.Contains("MatMulInteger", ops);
    }

    [Fact]
    public async Task Static_quantize_without_calibration_is_refused_and_the_old_model_keeps_serving()
    {
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var manifest = RawDeploy.Manifest("3.0", model, 8192);
        manifest["quantize"] = new System.Text.Json.Nodes.JsonObject { ["mode"] = "static" };
        var state = await RawDeploy.RunAsync(Device, ManifestSigner.Sign(manifest, Trusted), RawDeploy.Chunks(model, 8192));

        Assert.Equal(DeployState.Failed, state.State);
        Assert.Equal(DeployRefusal.InvalidManifest, state.Reason);
        Assert.Contains("quantize.calibration", state.Message);
        Assert.Equal("1.0", Device.Agent.Models.Get("digits")!.Version.Text);
        await Device.AssertServesSampleAsync();
    }
}

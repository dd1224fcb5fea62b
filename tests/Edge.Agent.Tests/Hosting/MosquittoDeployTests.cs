using System.Buffers;
using System.Text.Json;
using Edge.Agent.Deployment;
using Edge.Agent.Tests.Deployment;
using Edge.Agent.Tests.Mqtt;

namespace Edge.Agent.Tests.Hosting;

/// <summary>The agent against a real mosquitto: push, refusals, inference.</summary>
public sealed class MosquittoDeployTests : AgentOnMosquitto
{

    [Fact]
    public async Task A_signed_push_becomes_active_and_serves_inference()
    {
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var progress = new List<int>();
        var client = new DeployClient(Device.Client, Device.Topics) { Progress = (done, _) => progress.Add(done) };
        var result = await client.PushAsync("digits", "1.1", model, Trusted, force: false, TimeSpan.FromSeconds(15), default);

        Assert.True(result.IsActive, $"{result.FinalState.Reason}: {result.FinalState.Message}");
        Assert.Equal("1.1", Device.Agent.Models.Get("digits")!.Version.Text);
        Assert.Equal("1.1", Device.Agent.Store.GetCurrent("digits"));
        Assert.NotEmpty(progress);
        await Device.AssertServesSampleAsync();
    }

    [Fact]
    public async Task A_manifest_with_a_bad_signature_is_refused_and_the_old_model_keeps_serving()
    {
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var manifest = ManifestSigner.Sign(RawDeploy.Manifest("1.0.1", model, 8192), Trusted);
        manifest["version"] = "7.0"; // changed after signing

        var state = await RawDeploy.RunAsync(Device, manifest, RawDeploy.Chunks(model, 8192));

        Assert.Equal(DeployState.Failed, state.State);
        Assert.Equal(DeployRefusal.BadSignature, state.Reason);
        Assert.Equal("1.0", state.ActiveVersion);
        Assert.Equal(["1.0"], Device.Agent.Store.Versions("digits"));
        await Device.AssertServesSampleAsync();
    }

    [Fact]
    public async Task A_model_whose_bytes_do_not_match_the_hash_is_refused_and_the_old_model_keeps_serving()
    {
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var manifest = ManifestSigner.Sign(RawDeploy.Manifest("2.0", model, 8192), Trusted);
        var chunks = RawDeploy.Chunks(model, 8192);
        chunks[1][100] ^= 0xFF; // corrupted in transit

        var state = await RawDeploy.RunAsync(Device, manifest, chunks);

        Assert.Equal(DeployState.Failed, state.State);
        Assert.Equal(DeployRefusal.HashMismatch, state.Reason);
        Assert.Equal("1.0", Device.Agent.Models.Get("digits")!.Version.Text);
        Assert.Equal("1.0", Device.Agent.Store.GetCurrent("digits"));
        Assert.Equal(["1.0"], Device.Agent.Store.Versions("digits"));
        await Device.AssertServesSampleAsync();
    }

    [Fact]
    public async Task Lost_chunks_are_asked_for_again_and_the_transfer_completes()
    {
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var manifest = ManifestSigner.Sign(RawDeploy.Manifest("1.2", model, 4096), Trusted);
        var asked = new List<int[]>();

        var state = await RawDeploy.RunAsync(Device, manifest, RawDeploy.Chunks(model, 4096), withhold: [1, 3], asked: asked);

        Assert.True(state.State == DeployState.Active, $"{state.Reason}: {state.Message}");
        Assert.Equal([1, 3], asked[0]);
        await Device.AssertServesSampleAsync();
    }

    [Fact]
    public async Task A_push_signed_by_an_untrusted_key_is_refused_with_its_reason()
    {
        using var stranger = TestKeys.New();
        var client = new DeployClient(Device.Client, Device.Topics);
        var result = await client.PushAsync("digits", "3.0", File.ReadAllBytes(RepoFiles.SampleModel), stranger, false, TimeSpan.FromSeconds(15), default);
        Assert.False(result.IsActive);
        Assert.Equal(DeployRefusal.UntrustedKey, result.FinalState.Reason);
        await Device.AssertServesSampleAsync();
    }

    [Fact]
    public async Task Rollback_returns_to_the_previous_version_and_says_so_when_there_is_none()
    {
        var push = await new DeployClient(Device.Client, Device.Topics).PushAsync("digits", "1.1", File.ReadAllBytes(RepoFiles.SampleModel), Trusted, false, TimeSpan.FromSeconds(15), default);
        Assert.True(push.IsActive);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var args = new System.Text.Json.Nodes.JsonObject { ["model"] = "digits" };

        var reply = await Edge.Agent.Hosting.CommandClient.RunAsync(Device.Client, Device.Topics, "rollback", args, timeout.Token);
        Assert.True(reply["ok"]!.GetValue<bool>());
        Assert.Equal("1.0", reply["version"]!.GetValue<string>());
        Assert.Equal("1.0", Device.Agent.Models.Get("digits")!.Version.Text);
        Assert.Equal("1.0", Device.Agent.Store.GetCurrent("digits"));
        await Device.AssertServesSampleAsync();

        var none = await Edge.Agent.Hosting.CommandClient.RunAsync(Device.Client, Device.Topics, "rollback", args, timeout.Token);
        Assert.False(none["ok"]!.GetValue<bool>());
        Assert.Equal(DeployRefusal.NoPrevious, none["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_is_retained_online_with_the_active_models()
    {
        await Device.Client.SubscribeAsync(Device.Topics.Status, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var message = await Device.Client.Messages.ReadAsync(timeout.Token);
        Assert.True(message.Retain);
        using var status = JsonDocument.Parse(message.Payload.ToArray());
        Assert.Equal("online", status.RootElement.GetProperty("state").GetString());
        Assert.Equal("digits", status.RootElement.GetProperty("models")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_inference_error_comes_back_as_an_error_reply()
    {
        await using var inference = await Edge.Agent.Inference.InferenceClient.CreateAsync(Device.Client, Device.Topics, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var input = Edge.Onnx.OnnxModelReader.ReadTensor(RepoFiles.SampleInput);
        var unknown = await Assert.ThrowsAsync<Edge.Agent.Inference.InferenceException>(() => inference.InferAsync("nope", [input], timeout.Token));
        Assert.Equal("unknown-model", unknown.Code);
        input.Name = "wrong";
        var bad = await Assert.ThrowsAsync<Edge.Agent.Inference.InferenceException>(() => inference.InferAsync("digits", [input], timeout.Token));
        Assert.Equal("bad-request", bad.Code);
        Assert.Contains("wrong", bad.Message);
    }
}

using System.Security.Cryptography;
using System.Text;
using Edge.Agent.Configuration;
using Edge.Agent.Deployment;
using Edge.Agent.Inference;
using Edge.Agent.Store;
using Edge.Runtime.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Agent.Tests.Deployment;

public sealed class DeployCoordinatorTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly TrustedKeys _keys = new([]);
    private readonly ModelRegistry _registry = new();
    private readonly RecordingStates _states = new();
    private readonly ModelStore _store;
    private readonly DeployCoordinator _coordinator;

    public DeployCoordinatorTests()
    {
        _store = new ModelStore(_temp.Path, 3);
        _coordinator = new DeployCoordinator(new DeployChecks(_keys, allowUnsigned: true, maxModelBytes: 1 << 20), _store, _temp.File("transfers"),
            new RuntimeSessionFactory(new SessionOptions()), _registry, _states, NullLogger.Instance);
        _store.Install("digits", "1.0", File.ReadAllBytes(RepoFiles.SampleModel));
        _store.SetCurrent("digits", "1.0");
        _coordinator.Activate("digits", ModelVersion.Parse("1.0"), _store.ModelPath("digits", "1.0"));
    }

    [Fact]
    public async Task A_complete_transfer_is_stored_loaded_and_made_active()
    {
        var final = await DeployAsync("1.1", File.ReadAllBytes(RepoFiles.SampleModel));
        Assert.Equal(DeployState.Active, final.State);
        Assert.Equal("1.1", _registry.Get("digits")!.Version.Text);
        Assert.Equal("1.1", _store.GetCurrent("digits"));
        Assert.Equal([DeployState.Receiving, DeployState.Verifying, DeployState.Loading, DeployState.Active],
            _states.All.Select(s => s.State).Distinct());
    }

    [Fact]
    public async Task A_model_that_does_not_parse_is_refused_with_the_runtime_message_and_the_old_one_keeps_serving()
    {
        var final = await DeployAsync("2.0", Encoding.ASCII.GetBytes("this is not an ONNX protobuf at all"));
        Assert.Equal(DeployState.Failed, final.State);
        Assert.Equal(DeployRefusal.InvalidModel, final.Reason);
        Assert.False(string.IsNullOrEmpty(final.Message));
        Assert.Equal("1.0", final.ActiveVersion);
        Assert.Equal("1.0", _store.GetCurrent("digits"));
        Assert.Equal(["1.0"], _store.Versions("digits"));
        Assert.True(_registry.TryAcquire("digits", out var lease));
        lease.Dispose();
    }

    [Fact]
    public async Task A_chunk_of_the_wrong_size_fails_the_transfer_as_truncated()
    {
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var manifest = DeployManifest.Create("digits", "3.0", Convert.ToHexStringLower(SHA256.HashData(model)), model.Length, "tx", 1024);
        await _coordinator.OnManifestAsync("digits", Encoding.UTF8.GetBytes(manifest.ToJsonString()), default);
        await _coordinator.OnChunkAsync("tx", 0, model.AsMemory(0, 10), default);
        var last = _states.All.Last();
        Assert.Equal(DeployRefusal.Truncated, last.Reason);
        Assert.Equal("1.0", _registry.Get("digits")!.Version.Text);
    }

    [Fact]
    public async Task A_stalled_transfer_is_asked_for_its_missing_chunks_then_given_up_as_truncated()
    {
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var manifest = DeployManifest.Create("digits", "4.0", Convert.ToHexStringLower(SHA256.HashData(model)), model.Length, "ts", 8192);
        await _coordinator.OnManifestAsync("digits", Encoding.UTF8.GetBytes(manifest.ToJsonString()), default);
        await _coordinator.OnChunkAsync("ts", 0, model.AsMemory(0, 8192), default);

        for (int ask = 0; ask < 30; ask++)
        {
            await _coordinator.RequestMissingAsync(TimeSpan.Zero, default);
            Assert.Equal([1, 2], _states.All.Last().Missing!);
        }
        await _coordinator.RequestMissingAsync(TimeSpan.Zero, default);
        Assert.Equal(DeployRefusal.Truncated, _states.All.Last().Reason);
        Assert.Equal("1.0", _registry.Get("digits")!.Version.Text);
    }

    [Fact]
    public async Task A_model_that_passes_its_validation_set_goes_live()
    {
        var final = await DeployAsync("5.0", File.ReadAllBytes(RepoFiles.SampleModel), ValidationSet.Pack(RepoFiles.SampleFolder));
        Assert.True(final.State == DeployState.Active, final.Message);
    }

    [Fact]
    public async Task A_model_that_fails_its_validation_set_is_refused_naming_the_difference_and_the_old_one_keeps_serving()
    {
        var validation = ValidationSet.Pack(RepoFiles.SampleFolder);
        // One expected logit off by 0.5: far beyond the tolerance.
        var expected = Edge.Runtime.Tensors.TensorProtoConverter.ToTensor(Edge.Onnx.OnnxModelReader.ReadTensor(RepoFiles.SampleOutput), "expected");
        expected.AsSpan<float>()[3] += 0.5f;
        var proto = Edge.Runtime.Tensors.TensorProtoConverter.ToProto(expected, "logits");
        validation["cases"]![0]!["outputs"] = new System.Text.Json.Nodes.JsonArray(Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(proto)));

        var final = await DeployAsync("5.0", File.ReadAllBytes(RepoFiles.SampleModel), validation);

        Assert.Equal(DeployRefusal.ValidationFailed, final.Reason);
        Assert.StartsWith("case 0 output 'logits'[3] is", final.Message);
        Assert.Equal("1.0", _registry.Get("digits")!.Version.Text);
        Assert.Equal(["1.0"], _store.Versions("digits"));
    }

    [Fact]
    public async Task A_manifest_for_another_topic_name_is_refused()
    {
        var manifest = DeployManifest.Create("other", "3.0", new string('a', 64), 10, "tx", 1024);
        await _coordinator.OnManifestAsync("digits", Encoding.UTF8.GetBytes(manifest.ToJsonString()), default);
        Assert.Equal(DeployRefusal.InvalidManifest, _states.All.Single().Reason);
    }

    private async Task<DeployState> DeployAsync(string version, byte[] model, System.Text.Json.Nodes.JsonObject? validation = null)
    {
        const int chunk = 1000;
        var manifest = DeployManifest.Create("digits", version, Convert.ToHexStringLower(SHA256.HashData(model)), model.Length, "t" + version.Replace('.', '_'), chunk);
        if (validation is not null)
            manifest["validation"] = validation;
        await _coordinator.OnManifestAsync("digits", Encoding.UTF8.GetBytes(manifest.ToJsonString()), default);
        for (int i = 0; i * chunk < model.Length; i++)
            await _coordinator.OnChunkAsync(manifest["transferId"]!.GetValue<string>(), i, model.AsMemory(i * chunk, Math.Min(chunk, model.Length - i * chunk)), default);
        await _coordinator.WhenIdleAsync();
        return _states.All.Last();
    }

    public void Dispose()
    {
        _coordinator.Dispose();
        _registry.Dispose();
        _keys.Dispose();
        _temp.Dispose();
    }
}

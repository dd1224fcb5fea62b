using Edge.Agent.Deployment;
using Edge.Agent.Tests.Hosting;
using Google.Protobuf;
using Edge.Agent.Tests.Mqtt;

namespace Edge.Agent.Tests.Deployment;

/// <summary>Deploys carrying labelled validation samples and a minimum accuracy, against a real mosquitto.</summary>
public sealed class LabelledValidationTests : IAsyncLifetime
{
    private readonly System.Security.Cryptography.ECDsa _trusted = TestKeys.New();
    private readonly TempFolder _keys = new();
    private MosquittoBroker _broker = null!;
    private TestAgent _agent = null!;

    private static string TestSplit => Path.Combine(RepoFiles.Fixture("kd_student"), "test_split");

    private static byte[] Student => File.ReadAllBytes(Path.Combine(RepoFiles.Fixture("kd_student"), "model.onnx"));

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _agent = await TestAgent.StartAsync(_broker.Url, [TestKeys.WritePublic(_trusted, _keys.File("trusted.pub.pem"))]);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _broker.DisposeAsync();
        _trusted.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task A_student_that_reaches_the_minimum_accuracy_goes_active_and_one_that_misses_it_is_refused_with_both_numbers()
    {
        var client = new DeployClient(_agent.Client, _agent.Topics);
        var passing = await client.PushAsync("digits", "1.1", Student, _trusted, false, TimeSpan.FromSeconds(30), default, ValidationSet.Pack(TestSplit, minAccuracy: 0.9));
        Assert.True(passing.IsActive, $"{passing.FinalState.Reason}: {passing.FinalState.Message}");
        Assert.Equal("1.1", _agent.Agent.Models.Get("digits")!.Version.Text);

        var failing = await client.PushAsync("digits", "1.2", Student, _trusted, false, TimeSpan.FromSeconds(30), default, ValidationSet.Pack(TestSplit, minAccuracy: 0.99));
        Assert.Equal(DeployState.Failed, failing.FinalState.State);
        Assert.Equal(DeployRefusal.ValidationFailed, failing.FinalState.Reason);
        // The student classifies 343 of the 360 test digits right (PyTorch's accuracy, 0.9528).
        Assert.Equal("accuracy 0.9528 (343 of 360 labelled samples) is below the required minAccuracy 0.99", failing.FinalState.Message);
        Assert.Equal("1.1", failing.FinalState.ActiveVersion);
        Assert.Equal("1.1", _agent.Agent.Models.Get("digits")!.Version.Text);
        Assert.Equal("1.1", _agent.Agent.Store.GetCurrent("digits"));
        Assert.DoesNotContain("1.2", _agent.Agent.Store.Versions("digits"));
        await _agent.AssertServesSampleAsync();
    }

    [Fact]
    public void Packing_names_what_a_labelled_folder_lacks()
    {
        Assert.Contains("minimum accuracy", Assert.Throws<IOException>(() => ValidationSet.Pack(TestSplit)).Message);
        var cases = Path.Combine(RepoFiles.Fixture("kd_student"));
        Assert.Contains("labelled samples", Assert.Throws<IOException>(() => ValidationSet.Pack(cases, minAccuracy: 0.5)).Message);
    }

    [Fact]
    public void Labels_that_do_not_match_the_inputs_make_the_manifest_invalid()
    {
        var validation = ValidationSet.Pack(TestSplit, minAccuracy: 0.9);
        var labels = Edge.Onnx.OnnxModelReader.ReadTensor(Path.Combine(TestSplit, "labels.pb"));
        labels.Dims[0] = 10;
        labels.Int64Data.Clear();
        for (int i = 0; i < 10; i++)
            labels.Int64Data.Add(1);
        labels.RawData = ByteString.Empty;
        validation["labels"] = Convert.ToBase64String(labels.ToByteArray());
        var manifest = RawDeploy.Manifest("1.5", Student, 8192);
        manifest["validation"] = validation;

        var e = Assert.Throws<DeployRefusedException>(() => DeployManifest.Parse(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString())));
        Assert.Equal(DeployRefusal.InvalidManifest, e.Reason);
        Assert.Contains("inputs have 360 samples, labels 10", e.Message);
    }
}

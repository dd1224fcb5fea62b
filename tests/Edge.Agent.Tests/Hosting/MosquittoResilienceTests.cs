using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Agent.Configuration;
using Edge.Agent.Deployment;
using Edge.Agent.Inference;
using Edge.Agent.Mqtt;
using Edge.Agent.Tests.Deployment;
using Edge.Agent.Tests.Mqtt;
using Edge.Onnx;

namespace Edge.Agent.Tests.Hosting;

/// <summary>Outages and swaps against a real mosquitto.</summary>
public class MosquittoResilienceTests
{
    [Fact]
    public async Task After_a_broker_restart_the_agent_reconnects_resubscribes_and_republishes_its_status()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await TestAgent.StartAsync(broker.Url, trustedKeys: []);

        // persistence false: the new broker has no session and no retained status for the agent.
        await broker.RestartAsync(TimeSpan.FromMilliseconds(300));

        var config = new BrokerConfig { Url = new Uri(broker.Url) };
        await using var client = await MqttClientSession.ConnectAsync(config, "after-restart", default);
        await client.SubscribeAsync(agent.Topics.Status, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var status = await client.Messages.ReadAsync(timeout.Token);
        using (var json = JsonDocument.Parse(status.Payload.ToArray()))
            Assert.Equal("online", json.RootElement.GetProperty("state").GetString());

        await using var inference = await InferenceClient.CreateAsync(client, agent.Topics, timeout.Token);
        var outputs = await inference.InferAsync("digits", [OnnxModelReader.ReadTensor(RepoFiles.SampleInput)], timeout.Token);
        TestAgent.AssertClose(OnnxModelReader.ReadTensor(RepoFiles.SampleOutput), Assert.Single(outputs));
    }

    [Fact]
    public async Task A_killed_agent_is_reported_offline_by_its_last_will()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var state = new TempFolder();
        using var agent = EdgeProcess.Start("agent", "--config", Path.Combine(RepoFiles.DeviceConfigs, "local-dev.json"),
            "--broker", broker.Url, "--device-id", "doomed", "--state-dir", state.Path);
        await agent.WaitForOutputAsync("online", TimeSpan.FromSeconds(20));

        var config = new BrokerConfig { Url = new Uri(broker.Url) };
        await using var observer = await MqttClientSession.ConnectAsync(config, "observer", default);
        await observer.SubscribeAsync(new Topics("doomed").Status, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        Assert.Equal("online", StateOf(await observer.Messages.ReadAsync(timeout.Token)));

        agent.Kill(); // SIGKILL: no goodbye, only the will
        Assert.Equal("offline", StateOf(await observer.Messages.ReadAsync(timeout.Token)));
    }

    [Fact]
    public async Task Twenty_pushes_under_continuous_inference_fail_no_request()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var keys = new TempFolder();
        using var signer = TestKeys.New();
        await using var agent = await TestAgent.StartAsync(broker.Url, [TestKeys.WritePublic(signer, keys.File("k.pub.pem"))]);
        var config = new BrokerConfig { Url = new Uri(broker.Url) };
        await using var load = await MqttClientSession.ConnectAsync(config, "load", default);
        await using var inference = await InferenceClient.CreateAsync(load, agent.Topics, default);
        var input = OnnxModelReader.ReadTensor(RepoFiles.SampleInput);
        var expected = OnnxModelReader.ReadTensor(RepoFiles.SampleOutput);
        var failures = new ConcurrentQueue<Exception>();
        int served = 0;
        using var stop = new CancellationTokenSource();

        var clients = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    TestAgent.AssertClose(expected, Assert.Single(await inference.InferAsync("digits", [input], timeout.Token)));
                    Interlocked.Increment(ref served);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        })).ToList();

        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var deploy = new DeployClient(agent.Client, agent.Topics);
        for (int i = 1; i <= 20; i++)
        {
            var result = await deploy.PushAsync("digits", $"1.{i}", model, signer, false, TimeSpan.FromSeconds(15), default);
            Assert.True(result.IsActive, $"push 1.{i}: {result.FinalState.Reason} {result.FinalState.Message}");
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(served >= 20, $"only {served} requests were served during the swaps");
        Assert.Equal("1.20", agent.Agent.Models.Get("digits")!.Version.Text);
        Assert.Equal(3, agent.Agent.Store.Versions("digits").Count); // keepVersions
    }

    [Fact]
    public async Task An_agent_stopped_mid_transfer_never_serves_a_partial_model_and_resumes_the_transfer_after_restart()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var keys = new TempFolder();
        using var state = new TempFolder();
        using var signer = TestKeys.New();
        string[] trusted = [TestKeys.WritePublic(signer, keys.File("k.pub.pem"))];
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);
        var manifest = Edge.Agent.Deployment.ManifestSigner.Sign(RawDeploy.Manifest("1.5", model, 4096), signer);
        string transferId = manifest["transferId"]!.GetValue<string>();
        var chunks = RawDeploy.Chunks(model, 4096);
        string have = Path.Combine(state.Path, "transfers", transferId + ".have");

        await using (var first = await TestAgent.StartAsync(broker.Url, trusted, stateDir: state.Path))
        {
            await first.Client.PublishAsync(MqttClientSettings.Message(first.Topics.Deploy("digits"), System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString())).Build(), default);
            await WaitUntilAsync(() => File.Exists(have));
            for (int i = 0; i < 3; i++)
                await first.Client.PublishAsync(MqttClientSettings.Message(first.Topics.Transfer(transferId, i), chunks[i]).Build(), default);
            await WaitUntilAsync(() => File.ReadAllBytes(have).Count(b => b == 1) == 3);
        } // stopped with half a model received

        var store = new Edge.Agent.Store.ModelStore(state.Path, 3);
        Assert.Equal("1.0", store.GetCurrent("digits"));
        Assert.Equal(["1.0"], store.Versions("digits"));

        await using var second = await TestAgent.StartAsync(broker.Url, trusted, stateDir: state.Path);
        Assert.Equal("1.0", second.Agent.Models.Get("digits")!.Version.Text);
        var asked = new List<int[]>();
        // The sender announces the same transfer again and sends only what the device says is missing.
        var final = await RawDeploy.RunAsync(second, manifest, chunks, withhold: [0, 1, 2, 3, 4, 5], asked: asked);
        Assert.True(final.State == DeployState.Active, $"{final.Reason}: {final.Message}");
        Assert.Equal([3, 4, 5], asked[0]);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(state.Path, "transfers")));
        await second.AssertServesSampleAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not met within 10 s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_push_survives_a_broker_restart_mid_transfer()
    {
        await using var broker = await MosquittoBroker.StartAsync(_ => ["max_packet_size 1536"]); // sample model: 42 chunks, well past the send window
        using var keys = new TempFolder();
        using var signer = TestKeys.New();
        await using var agent = await TestAgent.StartAsync(broker.Url, [TestKeys.WritePublic(signer, keys.File("k.pub.pem"))]);
        var client = new DeployClient(agent.Client, agent.Topics)
        {
            // Blocking here is the point: the outage happens while most chunks are still to be sent.
            Progress = (done, _) => { if (done == 2) broker.RestartAsync(TimeSpan.FromMilliseconds(200)).GetAwaiter().GetResult(); },
        };

        var result = await client.PushAsync("digits", "1.1", File.ReadAllBytes(RepoFiles.SampleModel), signer, false, TimeSpan.FromSeconds(20), default);

        Assert.True(result.IsActive, $"{result.FinalState.Reason}: {result.FinalState.Message}");
        Assert.Equal("1.1", agent.Agent.Models.Get("digits")!.Version.Text);
        await agent.AssertServesSampleAsync();
    }

    [Fact]
    public async Task Chunks_are_sized_from_the_brokers_packet_limit()
    {
        // mosquitto disconnects a client that sends a larger packet: the push only works if chunks fit.
        await using var broker = await MosquittoBroker.StartAsync(_ => ["max_packet_size 8192"]);
        using var keys = new TempFolder();
        using var signer = TestKeys.New();
        await using var agent = await TestAgent.StartAsync(broker.Url, [TestKeys.WritePublic(signer, keys.File("k.pub.pem"))]);
        Assert.Equal(8192u, agent.Client.MaximumPacketSize);
        int total = 0;
        var client = new DeployClient(agent.Client, agent.Topics) { Progress = (_, chunks) => total = chunks };
        byte[] model = File.ReadAllBytes(RepoFiles.SampleModel);

        var result = await client.PushAsync("digits", "1.1", model, signer, false, TimeSpan.FromSeconds(10), default);

        Assert.True(result.IsActive, $"{result.FinalState.Reason}: {result.FinalState.Message}");
        Assert.Equal((model.Length + 8192 - 1024 - 1) / (8192 - 1024), total);
    }

    private static string? StateOf(MQTTnet.MqttApplicationMessage message)
    {
        using var json = JsonDocument.Parse(message.Payload.ToArray());
        return json.RootElement.GetProperty("state").GetString();
    }
}

using Edge.Agent.Configuration;
using Edge.Agent.Hosting;
using Edge.Agent.Inference;
using Edge.Agent.Mqtt;
using Edge.Onnx;
using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Agent.Tests.Hosting;

/// <summary>An agent with the sample model as <c>digits</c> 1.0, a temp state dir, and a client session on the same broker.</summary>
internal sealed class TestAgent : IAsyncDisposable
{
    public required DeviceAgent Agent { get; init; }

    public required MqttClientSession Client { get; init; }

    public required Topics Topics { get; init; }

    public TempFolder? State { get; init; }

    /// <param name="stateDir">A state dir to reuse (kept on dispose); default a fresh temp folder.</param>
    /// <param name="metricsListen">Where to serve Prometheus metrics; default none.</param>
    /// <param name="backends">The backend preference list; default cpu only.</param>
    public static async Task<TestAgent> StartAsync(string brokerUrl, IReadOnlyList<string> trustedKeys, string deviceId = "dev-1", string? stateDir = null, ListenAddress? metricsListen = null,
        IReadOnlyList<string>? backends = null)
    {
        var state = stateDir is null ? new TempFolder() : null;
        var config = new AgentConfig
        {
            DeviceId = deviceId,
            Broker = new BrokerConfig { Url = BrokerConfig.ParseUrl(brokerUrl, "broker") },
            Backends = backends ?? ["cpu"],
            StateDir = stateDir ?? state!.Path,
            TrustedKeys = trustedKeys,
            Models = [new SeedModel("digits", "1.0", RepoFiles.SampleModel)],
            MetricsListen = metricsListen,
            // Known peaks: no bandwidth or GEMM probe per test agent.
            PeakBandwidthGBps = 20,
            PeakInt8Gops = 200,
            PeakFp32Gops = 50,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var agent = await DeviceAgent.StartAsync(config, NullLoggerFactory.Instance, timeout.Token);
        var clientBroker = new BrokerConfig { Url = new Uri($"mqtt://127.0.0.1:{config.Broker.Port}") };
        var client = await MqttClientSession.ConnectAsync(clientBroker, "test-client-" + Guid.NewGuid().ToString("N"), timeout.Token);
        return new TestAgent { Agent = agent, Client = client, Topics = new Topics(deviceId), State = state };
    }

    /// <summary>Runs the sample input through <c>digits</c> over MQTT and checks the sample's expected logits.</summary>
    public async Task AssertServesSampleAsync()
    {
        await using var inference = await InferenceClient.CreateAsync(Client, Topics, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var input = OnnxModelReader.ReadTensor(RepoFiles.SampleInput);
        var outputs = await inference.InferAsync("digits", [input], timeout.Token);
        AssertClose(OnnxModelReader.ReadTensor(RepoFiles.SampleOutput), Assert.Single(outputs));
    }

    public static void AssertClose(TensorProto expected, TensorProto actual)
    {
        var e = TensorProtoConverter.ToTensor(expected, "expected").ToDoubleArray();
        var a = TensorProtoConverter.ToTensor(actual, "actual").ToDoubleArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-4 + 1e-4 * Math.Abs(e[i]), $"element {i}: expected {e[i]}, got {a[i]}");
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Agent.StopAsync(CancellationToken.None);
        await Agent.DisposeAsync();
        State?.Dispose();
    }
}

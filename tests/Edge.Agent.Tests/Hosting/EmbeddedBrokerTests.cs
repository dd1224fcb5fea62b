using System.Buffers;
using System.Text.Json;
using Edge.Agent.Deployment;
using Edge.Agent.Mqtt;
using Edge.Agent.Tests.Mqtt;

namespace Edge.Agent.Tests.Hosting;

/// <summary>The <c>"broker": "embedded"</c> path: the agent runs its own broker on loopback.</summary>
public class EmbeddedBrokerTests
{
    [Fact]
    public async Task An_agent_with_the_embedded_broker_serves_pushes_and_inference_and_says_offline_on_stop()
    {
        int port = MosquittoBroker.FreePort();
        await using (var agent = await TestAgent.StartAsync($"embedded://127.0.0.1:{port}", trustedKeys: []))
        {
            await agent.AssertServesSampleAsync();
            // Unsigned pushes are refused by default.
            var result = await new DeployClient(agent.Client, agent.Topics).PushAsync("digits", "1.1", File.ReadAllBytes(RepoFiles.SampleModel), null, false, TimeSpan.FromSeconds(15), default);
            Assert.Equal(DeployRefusal.Unsigned, result.FinalState.Reason);
        }
        // The embedded broker is gone with the agent: the port is free again.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();
    }

    [Fact]
    public async Task Stopping_the_agent_publishes_a_retained_offline_status()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var agent = await TestAgent.StartAsync(broker.Url, trustedKeys: []);
        await agent.DisposeAsync();

        var config = new Edge.Agent.Configuration.BrokerConfig { Url = new Uri(broker.Url) };
        await using var observer = await MqttClientSession.ConnectAsync(config, "observer", default);
        await observer.SubscribeAsync(new Topics("dev-1").Status, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var message = await observer.Messages.ReadAsync(timeout.Token);
        using var status = JsonDocument.Parse(message.Payload.ToArray());
        Assert.Equal("offline", status.RootElement.GetProperty("state").GetString());
    }
}

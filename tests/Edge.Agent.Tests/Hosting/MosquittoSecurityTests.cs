using System.Diagnostics;
using Edge.Agent.Configuration;
using Edge.Agent.Mqtt;
using Edge.Agent.Tests.Mqtt;

namespace Edge.Agent.Tests.Hosting;

/// <summary>TLS with a configured CA, username/password and per-device ACLs on a real mosquitto.</summary>
public class MosquittoSecurityTests
{
    private static async Task<MosquittoBroker> StartSecureBrokerAsync()
        => await MosquittoBroker.StartAsync(folder =>
        {
            TestCertificates.Write(folder);
            foreach (string device in new[] { "dev-1", "dev-2" })
            {
                string[] args = File.Exists(folder.File("passwd")) ? ["-b", folder.File("passwd"), device, $"{device}-secret"] : ["-c", "-b", folder.File("passwd"), device, $"{device}-secret"];
                using var passwd = Process.Start("mosquitto_passwd", args)!;
                passwd.WaitForExit();
                File.WriteAllText(folder.File($"{device}.credentials"), $"{device}:{device}-secret\n");
            }
            File.WriteAllText(folder.File("acl"), "user dev-1\ntopic readwrite edge/v1/dev-1/#\n\nuser dev-2\ntopic readwrite edge/v1/dev-2/#\n");
            return
            [
                $"cafile {folder.File("ca.pem")}", $"certfile {folder.File("server.pem")}", $"keyfile {folder.File("server.key")}",
                "allow_anonymous false", $"password_file {folder.File("passwd")}", $"acl_file {folder.File("acl")}",
            ];
        });

    private static BrokerConfig Secure(MosquittoBroker broker, string device) => new()
    {
        Url = new Uri($"mqtts://127.0.0.1:{broker.Port}"),
        CaFile = broker.Folder.File("ca.pem"),
        CredentialsFile = broker.Folder.File($"{device}.credentials"),
    };

    [Fact]
    public async Task An_agent_serves_over_tls_with_a_password_and_a_device_cannot_read_another_devices_topics()
    {
        await using var broker = await StartSecureBrokerAsync();
        using var state = new TempFolder();
        var config = new AgentConfig
        {
            DeviceId = "dev-1", Broker = Secure(broker, "dev-1"), Backends = ["cpu"], StateDir = state.Path,
            Models = [new SeedModel("digits", "1.0", RepoFiles.SampleModel)],
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await using var agent = await Edge.Agent.Hosting.DeviceAgent.StartAsync(config, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, timeout.Token);

        // dev-1's own credentials reach its tree over TLS.
        await using var own = await MqttClientSession.ConnectAsync(Secure(broker, "dev-1"), "dev-1-client", timeout.Token);
        await using (var inference = await Edge.Agent.Inference.InferenceClient.CreateAsync(own, new Topics("dev-1"), timeout.Token))
        {
            var outputs = await inference.InferAsync("digits", [Edge.Onnx.OnnxModelReader.ReadTensor(RepoFiles.SampleInput)], timeout.Token);
            TestAgent.AssertClose(Edge.Onnx.OnnxModelReader.ReadTensor(RepoFiles.SampleOutput), Assert.Single(outputs));
        }

        // dev-2 may subscribe to dev-1's status (mosquitto grants it) but receives nothing: filtered at delivery.
        await using var other = await MqttClientSession.ConnectAsync(Secure(broker, "dev-2"), "dev-2-client", timeout.Token);
        await other.SubscribeAsync(new Topics("dev-1").Status, timeout.Token);
        await other.SubscribeAsync(new Topics("dev-2").Status, timeout.Token);
        await own.PublishAsync(MqttClientSettings.Message(new Topics("dev-2").Status, "{}"u8.ToArray()).Build(), timeout.Token); // denied for dev-1
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await other.Messages.ReadAsync(quiet.Token));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_the_brokers_reason()
    {
        await using var broker = await StartSecureBrokerAsync();
        File.WriteAllText(broker.Folder.File("wrong.credentials"), "dev-1:nope\n");
        var config = Secure(broker, "dev-1") with { CredentialsFile = broker.Folder.File("wrong.credentials") };
        var e = await Assert.ThrowsAsync<MqttSessionException>(() => MqttClientSession.ConnectAsync(config, "intruder", default));
        Assert.Contains("refused", e.Message);
    }

    [Fact]
    public async Task A_broker_certificate_from_an_unknown_ca_is_not_trusted()
    {
        await using var broker = await StartSecureBrokerAsync();
        using var elsewhere = new TempFolder();
        TestCertificates.Write(elsewhere); // a different CA
        var config = Secure(broker, "dev-1") with { CaFile = elsewhere.File("ca.pem") };
        await Assert.ThrowsAsync<MqttSessionException>(() => MqttClientSession.ConnectAsync(config, "misled", default));
    }
}

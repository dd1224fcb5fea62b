using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Edge.Agent.Benchmarks;
using Edge.Agent.Configuration;
using Edge.Agent.Deployment;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Tests;
using Edge.Agent.Tests.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: dotnet run -c Release --project tests/Edge.Agent.Benchmarks -- [--megabytes 50] [--repeats 3]
int megabytes = 50, repeats = 3;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--megabytes": megabytes = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--repeats": repeats = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]} (known: --megabytes N, --repeats N)"); return 2;
    }
}

await using var broker = await MosquittoBroker.StartAsync();
using var state = new TempFolder();
using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
string publicKey = state.File("trusted.pem");
File.WriteAllText(publicKey, key.ExportSubjectPublicKeyInfoPem());

byte[] model = LargeModel.Build(megabytes);
double mb = model.Length / 1e6;
Console.WriteLine($"model: MatMul with a {mb:0.0} MB weight; mosquitto {broker.Url}; {repeats} repeats, medians reported");

var config = new AgentConfig
{
    DeviceId = "bench",
    Broker = new BrokerConfig { Url = BrokerConfig.ParseUrl(broker.Url, "broker") },
    Backends = ["cpu"],
    StateDir = state.Path,
    TrustedKeys = [publicKey],
};
using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
await using var agent = await DeviceAgent.StartAsync(config, NullLoggerFactory.Instance, startup.Token);
var brokerConfig = new BrokerConfig { Url = new Uri(broker.Url) };
await using var sender = await MqttClientSession.ConnectAsync(brokerConfig, "bench-sender", startup.Token);
await using var watcher = await MqttClientSession.ConnectAsync(brokerConfig, "bench-watcher", startup.Token);
var topics = new Topics("bench");

// One raw QoS 1 publish of the same bytes, from send until the subscriber holds the whole message.
await watcher.SubscribeAsync("bench/raw", startup.Token);
var raw = new List<double>();
for (int r = 0; r < repeats; r++)
{
    var clock = Stopwatch.StartNew();
    await sender.PublishAsync(MqttClientSettings.Message("bench/raw", model).Build(), CancellationToken.None);
    var message = await watcher.Messages.ReadAsync(CancellationToken.None);
    raw.Add(clock.Elapsed.TotalSeconds);
    if (message.Payload.Length != model.Length)
        throw new InvalidOperationException($"raw publish delivered {message.Payload.Length} bytes, sent {model.Length}");
}

// The push: signed manifest, chunks, SHA-256, atomic store; "received" is the device's verifying state.
await watcher.SubscribeAsync(topics.State("big"), startup.Token);
var client = new DeployClient(sender, topics);
var received = new List<double>();
var stored = new List<double>();
var active = new List<double>();
for (int r = 0; r < repeats; r++)
{
    while (watcher.Messages.TryRead(out _)) { }
    var clock = Stopwatch.StartNew();
    string version = $"1.0.{r}";
    var milestones = Task.Run(async () =>
    {
        double verifyingAt = double.NaN;
        while (true)
        {
            var message = await watcher.Messages.ReadAsync();
            var parsed = DeployState.Parse(message.Payload.FirstSpan);
            if (parsed?.Version != version)
                continue;
            if (parsed.State == DeployState.Verifying)
                verifyingAt = clock.Elapsed.TotalSeconds;
            else if (parsed.State == DeployState.Loading)
                return (verifyingAt, clock.Elapsed.TotalSeconds);
        }
    });
    var result = await client.PushAsync("big", $"1.0.{r}", model, key, force: false, TimeSpan.FromMinutes(5), CancellationToken.None);
    active.Add(clock.Elapsed.TotalSeconds);
    if (!result.IsActive)
        throw new InvalidOperationException($"push {r} ended {result.FinalState.State}: {result.FinalState.Reason} {result.FinalState.Message}");
    var (verifyingAt, loadingAt) = await milestones.WaitAsync(TimeSpan.FromSeconds(30));
    received.Add(verifyingAt);
    stored.Add(loadingAt);
}

double rawS = Median(raw), receivedS = Median(received), storedS = Median(stored), activeS = Median(active);
Console.WriteLine($"raw publish (QoS 1, one message):           {rawS:0.000} s  {mb / rawS,7:0.0} MB/s");
Console.WriteLine($"edge push, all chunks received (verifying): {receivedS:0.000} s  {mb / receivedS,7:0.0} MB/s  = {rawS / receivedS:P0} of raw");
Console.WriteLine($"edge push, hash checked and stored (loading): {storedS:0.000} s  {mb / storedS,7:0.0} MB/s  = {rawS / storedS:P0} of raw");
Console.WriteLine($"edge push, model active (verified, stored, loaded): {activeS:0.000} s  {mb / activeS,7:0.0} MB/s  = {rawS / activeS:P0} of raw");
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

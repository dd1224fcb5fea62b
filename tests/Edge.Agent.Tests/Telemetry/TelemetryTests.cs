using Edge.Agent.Configuration;
using Edge.Agent.Inference;
using Edge.Agent.Mqtt;
using Edge.Agent.Telemetry;
using Edge.Agent.Tests.Mqtt;
using Edge.Onnx;
using Edge.Runtime.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;

namespace Edge.Agent.Tests.Telemetry;

public class TelemetryTests
{
    [Fact]
    public void Histogram_percentiles_are_within_a_bucket_of_the_true_ones()
    {
        var histogram = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++)
            histogram.Record(TimeSpan.FromMilliseconds(i / 10.0)); // 0.1 .. 100 ms
        Assert.InRange(histogram.Percentile(0.5), 50.0, 50.0 * 1.1);
        Assert.InRange(histogram.Percentile(0.99), 99.0, 100.0);
        Assert.Equal(100.0, histogram.MaxMs, 3);
        Assert.Equal(0, new LatencyHistogram().Percentile(0.5));
    }

    [Fact]
    public async Task A_report_has_per_model_counts_latency_bytes_ops_and_bandwidth_share()
    {
        using var registry = new ModelRegistry();
        registry.Swap(new LoadedModel("digits", ModelVersion.Parse("1"), new RuntimeSessionFactory(new SessionOptions()).Create(RepoFiles.SampleModel)));
        var collector = new TelemetryCollector(registry, "cpu", Peaks(bandwidthGBps: 20, int8Gops: 1000, fp32Gops: 1000));
        using var service = new InferenceService(registry, 2, collector);
        byte[] request = TensorCodec.Encode([OnnxModelReader.ReadTensor(RepoFiles.SampleInput)]);
        for (int i = 0; i < 10; i++)
            await service.RunAsync("digits", request, default);
        await Assert.ThrowsAsync<InferenceException>(() => service.RunAsync("digits", TensorCodec.Encode([new Edge.Onnx.Protos.TensorProto { Name = "input", DataType = 1, Dims = { 2 }, FloatData = { 1, 2 } }]), default));

        var report = collector.Snapshot();
        var model = Assert.Single(report.Models);
        Assert.Equal(11, model.Requests);
        Assert.Equal(1, model.Errors);
        Assert.True(model.LatencyMs!.P50 > 0 && model.LatencyMs.P50 <= model.LatencyMs.P99 && model.LatencyMs.P99 <= model.LatencyMs.Max);
        Assert.True(model.WeightBytesPerInference > 0 && model.ActivationBytesPerInference > 0 && model.OpsPerInference > 0);
        Assert.True(model.AchievedGBps > 0 && model.PeakBandwidthShare > 0);
        Assert.True(report.Process.RssBytes > 0 && report.Process.GcHeapBytes > 0);
        Assert.Equal(0, collector.Snapshot().Models.Single().Requests); // per interval
    }

    [Fact]
    public void The_bandwidth_probe_measures_something_plausible()
        => Assert.InRange(BandwidthProbe.MeasureGBps(megabytes: 16, passes: 2), 0.1, 10_000);

    [Fact]
    public async Task Reports_made_while_the_broker_is_away_are_sent_after_reconnect_and_drops_are_counted()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var registry = new ModelRegistry();
        var topics = new Topics("dev-t");
        var brokerConfig = new BrokerConfig { Url = new Uri(broker.Url) };
        var options = MqttClientSettings.Builder(brokerConfig, "telemetry-agent").Build();
        await using var connection = new MqttConnection(options, [], new Ignore(), _ => Task.CompletedTask, NullLogger.Instance);
        MqttConnection? current = null;
        var publisher = new TelemetryPublisher(new TelemetryCollector(registry, "cpu", Peaks(20, 100, 50)), () => current, topics, TimeSpan.FromSeconds(1), NullLogger.Instance, capacity: 3);

        for (int i = 0; i < 5; i++)
            await publisher.TickAsync(default); // broker away
        Assert.Equal(3, publisher.Pending);

        await using var observer = await MqttClientSession.ConnectAsync(brokerConfig, "observer", default);
        await observer.SubscribeAsync(topics.Telemetry, default);
        await connection.StartAsync(default);
        current = connection;
        await publisher.TickAsync(default);
        Assert.Equal(0, publisher.Pending);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var first = TelemetryReport.Parse((await observer.Messages.ReadAsync(timeout.Token)).Payload.FirstSpan)!;
        Assert.Equal(3, first.Dropped); // 6 made, capacity 3
        for (int i = 0; i < 2; i++)
            Assert.Equal(0, TelemetryReport.Parse((await observer.Messages.ReadAsync(timeout.Token)).Payload.FirstSpan)!.Dropped);
    }

    internal static DevicePeaks Peaks(double bandwidthGBps, double int8Gops, double fp32Gops)
        => new() { BandwidthGBps = bandwidthGBps, Int8Gops = int8Gops, Fp32Gops = fp32Gops };

    private sealed class Ignore : IMessageHandler
    {
        public Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

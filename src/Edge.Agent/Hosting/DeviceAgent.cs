using Edge.Agent.Configuration;
using Edge.Agent.Deployment;
using Edge.Agent.Inference;
using Edge.Agent.Mqtt;
using Edge.Agent.Store;
using Edge.Agent.Telemetry;
using Edge.Onnx;
using Edge.Runtime;
using Edge.Runtime.Sessions;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Agent.Hosting;

/// <summary>
/// One running agent, composed in code: (embedded broker,) model store, live models, deploys and
/// inference behind one MQTT connection. <see cref="AgentService"/> runs it inside the Generic Host;
/// tests run it directly.
/// </summary>
public sealed class DeviceAgent : IAsyncDisposable
{
    private readonly AgentConfig _config;
    private readonly ILogger _logger;
    private readonly TrustedKeys _keys;
    private readonly InferenceService _inference;
    private readonly MessageRouter _router;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loops;
    private EmbeddedBroker? _broker;
    private readonly List<Edge.Runtime.Backends.ExecutionBackend> _backends;
    private MqttConnection? _mqtt;

    private DeviceAgent(AgentConfig config, ILoggerFactory loggers)
    {
        _config = config;
        _logger = loggers.CreateLogger("Edge.Agent");
        Topics = new Topics(config.DeviceId);
        Store = new ModelStore(config.StateDir, config.KeepVersions);
        _keys = TrustedKeys.Load(config.TrustedKeys);
        _backends = config.Backends.Count > 0 && config.Backends[0] != "cpu" ? DeviceBackends.Create(config.Backends, _logger) : [];
        Sessions = new RuntimeSessionFactory(new SessionOptions { Backends = _backends });
        Peaks = MeasurePeaks(config);
        // Without an address to serve them on, the Prometheus metrics (and prometheus-net itself) are not loaded at all.
        Metrics = config.MetricsListen is null ? null : new AgentMetrics(Models, Peaks);
        IStatePublisher states = new MqttStatePublisher(() => _mqtt, Topics, loggers.CreateLogger("Edge.Agent.State"));
        if (Metrics is not null)
            states = new MeteredStatePublisher(states, Metrics);
        Deploys = new DeployCoordinator(new DeployChecks(_keys, config.AllowUnsigned, config.Limits.MaxModelBytes), Store, Path.Combine(config.StateDir, "transfers"), Sessions, Models, states, loggers.CreateLogger("Edge.Agent.Deploy"));
        Telemetry = new TelemetryCollector(Models, Sessions.Backend, Peaks);
        TelemetryPublisher = new TelemetryPublisher(Telemetry, () => _mqtt, Topics, TimeSpan.FromSeconds(config.TelemetryIntervalSeconds), loggers.CreateLogger("Edge.Agent.Telemetry"));
        _inference = new InferenceService(Models, config.Limits.MaxConcurrentInferences, Metrics is null ? Telemetry : new InferenceObservers(Telemetry, Metrics));
        _router = new MessageRouter(Topics, Deploys, _inference, new CommandHandler(Deploys), () => _mqtt, loggers.CreateLogger("Edge.Agent.Mqtt"),
            maxQueued: config.Limits.MaxConcurrentInferences * 32);
    }

    public Topics Topics { get; }

    public ModelStore Store { get; }

    public ModelRegistry Models { get; } = new();

    public DeployCoordinator Deploys { get; }

    public RuntimeSessionFactory Sessions { get; }

    public TelemetryCollector Telemetry { get; }

    /// <summary>The device's roofline peaks (configured, or measured at start).</summary>
    public DevicePeaks Peaks { get; }

    /// <summary>The Prometheus metrics, when the config has <c>metricsListen</c>.</summary>
    public AgentMetrics? Metrics { get; }

    /// <summary>The <c>/metrics</c> server, when <c>metricsListen</c> is set.</summary>
    public MetricsEndpoint? MetricsEndpoint { get; private set; }

    /// <summary>The connection loop is alive (connected, or retrying a lost broker: a restart would not help then).</summary>
    public bool IsHealthy => _mqtt is { IsRunning: true };

    public TelemetryPublisher TelemetryPublisher { get; }

    /// <summary>Starts the agent; returns once the models are live and status says online.</summary>
    public static async Task<DeviceAgent> StartAsync(AgentConfig config, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var agent = new DeviceAgent(config, loggers);
        try
        {
            await agent.StartAsync(cancellationToken);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_config.Broker.IsEmbedded)
        {
            _broker = await EmbeddedBroker.StartAsync(_config.Broker.Port);
            _logger.LogInformation("Embedded MQTT broker listening on 127.0.0.1:{Port}", _config.Broker.Port);
        }
        SeedModels();
        foreach (string name in Store.Names())
            ActivateCurrent(name);
        Deploys.ResumeTransfers();
        if (_config.MetricsListen is { } listen && Metrics is not null)
        {
            MetricsEndpoint = Edge.Agent.Telemetry.MetricsEndpoint.Start(listen, Metrics);
            _logger.LogInformation("Prometheus metrics on http://{Address}/metrics", listen);
        }

        var options = MqttClientSettings.Builder(_config.Broker, $"edge-agent-{_config.DeviceId}")
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .WithWillTopic(Topics.Status)
            .WithWillPayload(AgentStatus.Offline(_config.DeviceId))
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build()
            .WithLargeBuffers();
        _mqtt = new MqttConnection(options, [Topics.DeployFilter, Topics.TransferFilter, Topics.InferFilter, Topics.CommandFilter], _router, AnnounceAsync, _logger);
        await _mqtt.StartAsync(cancellationToken);
        _loops = Task.WhenAll(
            Task.Run(() => TelemetryPublisher.RunAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => WatchTransfersAsync(_stopping.Token), CancellationToken.None));
        _logger.LogInformation("Agent {DeviceId} online on {Broker} with {Models}", _config.DeviceId, _config.Broker.Url,
            Models.Active.Select(m => $"{m.Name} {m.Version}").DefaultIfEmpty("no models"));
    }

    /// <summary>SIGTERM path: refuse new requests, finish in-flight ones and pending deploys, publish offline, disconnect.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _router.StopTakingRequests();
        await _stopping.CancelAsync();
        if (_loops is not null)
            await _loops;
        await _router.WhenRequestsDoneAsync().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Deploys.WhenIdleAsync().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_mqtt is not null)
        {
            var offline = MqttClientSettings.Message(Topics.Status, AgentStatus.Offline(_config.DeviceId), retain: true).Build();
            await _mqtt.StopAsync(offline, cancellationToken);
        }
        _logger.LogInformation("Agent {DeviceId} stopped", _config.DeviceId);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loops is not null)
            await _loops;
        if (_mqtt is not null)
            await _mqtt.DisposeAsync();
        if (_broker is not null)
            await _broker.DisposeAsync();
        if (MetricsEndpoint is not null)
            await MetricsEndpoint.DisposeAsync();
        await Deploys.WhenIdleAsync();
        Deploys.Dispose();
        Models.Dispose();
        // After the models: their sessions' device buffers belong to these backends.
        foreach (var backend in _backends)
            backend.Dispose();
        _inference.Dispose();
        _keys.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Configured peaks where the config has them; the rest measured now (bandwidth ~0.1 s, compute ~30 ms).</summary>
    private DevicePeaks MeasurePeaks(AgentConfig config)
    {
        double bandwidth = config.PeakBandwidthGBps ?? BandwidthProbe.MeasureGBps();
        bool computeMeasured = config.PeakInt8Gops is null || config.PeakFp32Gops is null;
        var measured = computeMeasured ? ComputeProbe.Measure() : default;
        var peaks = new DevicePeaks
        {
            BandwidthGBps = bandwidth,
            BandwidthMeasured = config.PeakBandwidthGBps is null,
            Int8Gops = config.PeakInt8Gops ?? measured.Int8Gops,
            Fp32Gops = config.PeakFp32Gops ?? measured.Fp32Gops,
            ComputeMeasured = computeMeasured,
        };
        _logger.LogInformation("Peak memory bandwidth {GBps:F1} GB/s ({BandwidthSource}); peak int8 {Int8:F1} GOPS, fp32 {Fp32:F1} GOPS ({ComputeSource})",
            peaks.BandwidthGBps, peaks.BandwidthMeasured ? "measured" : "from the config",
            peaks.Int8Gops, peaks.Fp32Gops, computeMeasured ? "measured" : "from the config");
        return peaks;
    }

    private void SeedModels()
    {
        foreach (var seed in _config.Models)
        {
            if (Store.GetCurrent(seed.Name) is not null)
                continue;
            using (var source = File.OpenRead(seed.Path))
                Store.Install(seed.Name, seed.Version, source.CopyTo);
            Store.SetCurrent(seed.Name, seed.Version);
            _logger.LogInformation("Installed {Model} {Version} from {Path}", seed.Name, seed.Version, seed.Path);
        }
    }

    private void ActivateCurrent(string name)
    {
        string version = Store.GetCurrent(name)!;
        try
        {
            Deploys.Activate(name, ModelVersion.Parse(version), Store.ModelPath(name, version));
        }
        catch (Exception e) when (e is ModelException or OnnxFormatException or IOException)
        {
            // A store written by another build may hold a model this one cannot run: serve the rest.
            _logger.LogError("Model {Model} {Version} does not load: {Error}", name, version, e.Message);
        }
    }

    /// <summary>How long a transfer may go without a new chunk before the agent asks for the missing ones.</summary>
    internal static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(1);

    private async Task WatchTransfersAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(StallTimeout / 2);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await Deploys.RequestMissingAsync(StallTimeout, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        await _mqtt!.PublishAsync(MqttClientSettings.Message(Topics.Status, AgentStatus.Online(_config.DeviceId, Sessions.Backend, Models), retain: true).Build(), cancellationToken);
        foreach (var model in Models.Active)
        {
            var state = new DeployState { State = DeployState.Active, Version = model.Version.Text, ActiveVersion = model.Version.Text };
            await _mqtt.PublishAsync(MqttClientSettings.Message(Topics.State(model.Name), state.ToJsonBytes(), retain: true).Build(), cancellationToken);
        }
        // Chunks sent while the link was down are lost: ask for what is missing straight away.
        await Deploys.RequestMissingAsync(TimeSpan.Zero, cancellationToken);
    }
}

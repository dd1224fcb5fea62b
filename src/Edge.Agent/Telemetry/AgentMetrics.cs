using System.Diagnostics;
using Edge.Agent.Deployment;
using Edge.Agent.Inference;
using Prometheus;

namespace Edge.Agent.Telemetry;

/// <summary>
/// The agent's figures as Prometheus metrics, in a registry of its own (never prometheus-net's static
/// default one, so several agents in one process do not share counters): request and error counters and
/// latency histograms per model name and version, each live model's cost and roofline verdict, the
/// device's peaks, deploy states and the process's memory. PROTOCOL.md lists the names.
/// </summary>
public sealed class AgentMetrics : IInferenceObserver
{
    private static readonly string[] ModelLabels = ["model", "version"];

    private static readonly string[] States =
        [DeployState.Receiving, DeployState.Verifying, DeployState.Loading, DeployState.Active, DeployState.Failed, DeployState.RolledBack];

    private readonly ModelRegistry _models;
    private readonly Counter _requests;
    private readonly Counter _errors;
    private readonly Histogram _latency;
    private readonly Gauge[] _modelGauges;
    private readonly Gauge _weightBytes, _activationBytes, _ops, _intensity, _ridge, _memoryBound, _partitions;
    private readonly Gauge _deployState;
    private readonly Counter _deployFailures;
    private readonly Gauge _rss, _gcHeap;
    private readonly Dictionary<string, string> _lastState = new(StringComparer.Ordinal);
    private readonly HashSet<(string Model, string Version)> _published = [];
    private readonly DevicePeaks _peaks;
    private readonly Lock _lock = new();

    public AgentMetrics(ModelRegistry models, DevicePeaks peaks)
    {
        _models = models;
        _peaks = peaks;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("edge_inference_requests_total", "Inference requests run, by model and version.", ModelLabels);
        _errors = factory.CreateCounter("edge_inference_errors_total", "Inference requests that failed (bad input, runtime error).", ModelLabels);
        _latency = factory.CreateHistogram("edge_inference_duration_seconds", "Time one inference takes on the session, by model and version.",
            ModelLabels, new HistogramConfiguration { Buckets = LatencyBuckets });
        _weightBytes = factory.CreateGauge("edge_model_weight_bytes_per_inference", "Constant (weight) bytes one inference reads.", ModelLabels);
        _activationBytes = factory.CreateGauge("edge_model_activation_bytes_per_inference", "Activation bytes one inference reads and writes.", ModelLabels);
        _ops = factory.CreateGauge("edge_model_ops_per_inference", "Arithmetic operations per inference (a multiply-add counts 2).", ModelLabels);
        _intensity = factory.CreateGauge("edge_model_arithmetic_intensity", "Operations per byte moved (weights + activations).", ModelLabels);
        _ridge = factory.CreateGauge("edge_model_ridge_point", "Peak ops/s of the model's int8/fp32 mix divided by peak bytes/s: the intensity where it turns compute-bound.", ModelLabels);
        _memoryBound = factory.CreateGauge("edge_model_memory_bound", "1 when the model's arithmetic intensity is below the ridge point (memory-bound), 0 when compute-bound.", ModelLabels);
        _partitions = factory.CreateGauge("edge_model_partitions", "Runs of consecutive steps on one backend in the model's plan.", ModelLabels);
        _modelGauges = [_weightBytes, _activationBytes, _ops, _intensity, _ridge, _memoryBound, _partitions];
        factory.CreateGauge("edge_device_peak_bandwidth_bytes_per_second", "Peak memory read bandwidth (measured at start or configured).").Set(peaks.BandwidthGBps * 1e9);
        var peakOps = factory.CreateGauge("edge_device_peak_ops_per_second", "Peak operations per second by precision (measured at start with the runtime's GEMM kernels or configured).", "precision");
        peakOps.WithLabels("int8").Set(peaks.Int8Gops * 1e9);
        peakOps.WithLabels("fp32").Set(peaks.Fp32Gops * 1e9);
        _deployState = factory.CreateGauge("edge_deploy_state", "1 for each model's latest deploy state, 0 for the other states.", "model", "state");
        _deployFailures = factory.CreateCounter("edge_deploy_failures_total", "Deploys that ended failed, by model and reason.", "model", "reason");
        _rss = factory.CreateGauge("edge_process_resident_memory_bytes", "Resident set size of the agent process.");
        _gcHeap = factory.CreateGauge("edge_process_gc_heap_bytes", "Bytes in the managed (GC) heap.");
        Registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>50 µs to ~14 s, ×1.5 per bucket: histogram_quantile is within a bucket, so about ±25 %.</summary>
    public static double[] LatencyBuckets { get; } = Histogram.ExponentialBuckets(50e-6, 1.5, 32);

    /// <summary>The registry a <see cref="MetricServer"/> serves.</summary>
    public CollectorRegistry Registry { get; }

    public void Record(LoadedModel model, TimeSpan elapsed, bool succeeded)
    {
        string version = model.Version.Text;
        _requests.WithLabels(model.Name, version).Inc();
        if (!succeeded)
            _errors.WithLabels(model.Name, version).Inc();
        _latency.WithLabels(model.Name, version).Observe(elapsed.TotalSeconds);
    }

    /// <summary>Records a deploy state as published on <c>models/{name}/state</c>.</summary>
    public void RecordDeployState(string model, DeployState state)
    {
        lock (_lock)
        {
            _lastState[model] = state.State;
            SetState(model, state.State);
        }
        if (state.State == DeployState.Failed)
            _deployFailures.WithLabels(model, state.Reason ?? DeployRefusal.Internal).Inc();
    }

    /// <summary>Before each scrape: the live models' cost and verdict (series of replaced versions removed) and the process's memory.</summary>
    private void Refresh()
    {
        var active = _models.Active;
        lock (_lock)
        {
            var live = new HashSet<(string, string)>();
            foreach (var model in active)
            {
                string version = model.Version.Text;
                live.Add((model.Name, version));
                if (!_lastState.ContainsKey(model.Name))
                    SetState(model.Name, DeployState.Active); // installed at start: no deploy reported it
                if (ModelFigures.Of(model) is not { } figures)
                    continue;
                _weightBytes.WithLabels(model.Name, version).Set(figures.WeightBytes);
                _activationBytes.WithLabels(model.Name, version).Set(figures.ActivationBytes);
                _ops.WithLabels(model.Name, version).Set(figures.Operations);
                _partitions.WithLabels(model.Name, version).Set(figures.Partitions);
                if (figures.ArithmeticIntensity is { } intensity)
                    _intensity.WithLabels(model.Name, version).Set(intensity);
                if (Roofline.For(figures, _peaks) is { } roofline)
                {
                    _ridge.WithLabels(model.Name, version).Set(roofline.RidgePoint);
                    _memoryBound.WithLabels(model.Name, version).Set(roofline.Bound == Roofline.MemoryBound ? 1 : 0);
                }
            }
            foreach (var gone in _published.Where(p => !live.Contains(p)).ToList())
            {
                foreach (var gauge in _modelGauges)
                    gauge.RemoveLabelled(gone.Model, gone.Version);
                _published.Remove(gone);
            }
            _published.UnionWith(live);
        }
        using var process = Process.GetCurrentProcess();
        _rss.Set(process.WorkingSet64);
        _gcHeap.Set(GC.GetTotalMemory(false));
    }

    private void SetState(string model, string current)
    {
        foreach (string state in States)
            _deployState.WithLabels(model, state).Set(state == current ? 1 : 0);
    }
}

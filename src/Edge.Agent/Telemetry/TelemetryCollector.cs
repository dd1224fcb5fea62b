using System.Collections.Concurrent;
using System.Diagnostics;
using Edge.Agent.Inference;
using Edge.Runtime.Tensors;

namespace Edge.Agent.Telemetry;

/// <summary>Collects per-model counters and turns them into one telemetry report per interval (PROTOCOL.md).</summary>
public sealed class TelemetryCollector(ModelRegistry registry, string backend, double peakBandwidthGBps, bool peakMeasured) : IInferenceObserver
{
    private ConcurrentDictionary<string, ModelCounters> _counters = new(StringComparer.Ordinal);
    private long _intervalStart = Stopwatch.GetTimestamp();

    public void Record(string model, TimeSpan elapsed, bool succeeded)
        => _counters.GetOrAdd(model, _ => new ModelCounters()).Record(elapsed, succeeded);

    /// <summary>The report for the interval since the last call; counters start again from zero.</summary>
    public TelemetryReport Snapshot()
    {
        var counters = Interlocked.Exchange(ref _counters, new ConcurrentDictionary<string, ModelCounters>(StringComparer.Ordinal));
        double seconds = Stopwatch.GetElapsedTime(Interlocked.Exchange(ref _intervalStart, Stopwatch.GetTimestamp())).TotalSeconds;
        var models = registry.Active.Select(m => Report(m, counters.GetValueOrDefault(m.Name), seconds)).ToList();
        using var process = Process.GetCurrentProcess();
        return new TelemetryReport
        {
            IntervalSeconds = Math.Round(seconds, 3),
            PeakBandwidthGBps = Math.Round(peakBandwidthGBps, 2),
            PeakBandwidthMeasured = peakMeasured,
            Models = models,
            Process = new ProcessReport { RssBytes = process.WorkingSet64, GcHeapBytes = GC.GetTotalMemory(false) },
        };
    }

    private ModelReport Report(LoadedModel model, ModelCounters? counters, double seconds)
    {
        var figures = PlanFigures(model);
        long requests = counters?.Requests ?? 0;
        double meanMs = requests == 0 ? 0 : counters!.Busy.TotalMilliseconds / requests;
        double? gbps = figures is { } f && meanMs > 0 ? (f.WeightBytes + f.ActivationBytes) / (meanMs / 1e3) / 1e9 : null;
        return new ModelReport
        {
            Name = model.Name,
            Version = model.Version.Text,
            Backend = backend,
            Partitions = figures?.Partitions,
            Requests = requests,
            Errors = counters?.Errors ?? 0,
            ThroughputPerSecond = seconds > 0 ? Math.Round(requests / seconds, 2) : 0,
            LatencyMs = counters is null || requests == 0 ? null : new LatencyReport
            {
                P50 = Round(counters.Latency.Percentile(0.50)),
                P90 = Round(counters.Latency.Percentile(0.90)),
                P99 = Round(counters.Latency.Percentile(0.99)),
                Max = Round(counters.Latency.MaxMs),
            },
            WeightBytesPerInference = figures?.WeightBytes,
            ActivationBytesPerInference = figures?.ActivationBytes,
            OpsPerInference = figures?.Operations,
            ArithmeticIntensity = figures is { } g && g.WeightBytes + g.ActivationBytes > 0 ? Math.Round((double)g.Operations / (g.WeightBytes + g.ActivationBytes), 3) : null,
            AchievedGBps = gbps is { } x ? Math.Round(x, 3) : null,
            PeakBandwidthShare = gbps is { } y && peakBandwidthGBps > 0 ? Math.Round(y / peakBandwidthGBps, 4) : null,
        };
    }

    /// <summary>The plan at the model's declared input shapes, symbolic dimensions (batch) taken as 1; null where an input has no shape.</summary>
    private static (long WeightBytes, long ActivationBytes, long Operations, int Partitions)? PlanFigures(LoadedModel model)
    {
        var inputs = model.Session.Inputs;
        if (!inputs.All(i => i.Dims is not null))
            return null;
        var plan = model.Session.GetPlan(inputs.Select(i => (i.Type, new TensorShape(i.Dims!.Select(d => d ?? 1).ToArray()))).ToList());
        return (plan.WeightBytes, plan.ActivationBytes, plan.Operations, plan.Partitions);
    }

    private static double Round(double ms) => Math.Round(ms, 3);
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Edge.Agent.Inference;

namespace Edge.Agent.Telemetry;

/// <summary>Collects per-model counters and turns them into one telemetry report per interval (PROTOCOL.md).</summary>
public sealed class TelemetryCollector(ModelRegistry registry, string backend, DevicePeaks peaks) : IInferenceObserver
{
    private ConcurrentDictionary<string, ModelCounters> _counters = new(StringComparer.Ordinal);
    private long _intervalStart = Stopwatch.GetTimestamp();

    public DevicePeaks Peaks => peaks;

    public void Record(LoadedModel model, TimeSpan elapsed, bool succeeded)
        => _counters.GetOrAdd(model.Name, _ => new ModelCounters()).Record(elapsed, succeeded);

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
            PeakBandwidthGBps = Math.Round(peaks.BandwidthGBps, 2),
            PeakBandwidthMeasured = peaks.BandwidthMeasured,
            PeakInt8Gops = Math.Round(peaks.Int8Gops, 2),
            PeakFp32Gops = Math.Round(peaks.Fp32Gops, 2),
            PeakGopsMeasured = peaks.ComputeMeasured,
            Models = models,
            Process = new ProcessReport { RssBytes = process.WorkingSet64, GcHeapBytes = GC.GetTotalMemory(false) },
        };
    }

    private ModelReport Report(LoadedModel model, ModelCounters? counters, double seconds)
    {
        var figures = ModelFigures.Of(model);
        var roofline = figures is null ? null : Roofline.For(figures, peaks);
        long requests = counters?.Requests ?? 0;
        double meanMs = requests == 0 ? 0 : counters!.Busy.TotalMilliseconds / requests;
        double? gbps = figures is not null && meanMs > 0 ? figures.BytesMoved / (meanMs / 1e3) / 1e9 : null;
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
            ArithmeticIntensity = figures?.ArithmeticIntensity is { } intensity ? Math.Round(intensity, 3) : null,
            AchievedGBps = gbps is { } x ? Math.Round(x, 3) : null,
            PeakBandwidthShare = gbps is { } y && peaks.BandwidthGBps > 0 ? Math.Round(y / peaks.BandwidthGBps, 4) : null,
            PeakGops = roofline is null ? null : Math.Round(roofline.PeakGops, 2),
            RidgePoint = roofline is null ? null : Math.Round(roofline.RidgePoint, 3),
            Bound = roofline?.Bound,
            Distillation = model.Distillation,
        };
    }

    private static double Round(double ms) => Math.Round(ms, 3);
}

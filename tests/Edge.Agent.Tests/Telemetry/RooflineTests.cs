using System.Diagnostics;
using Edge.Agent.Configuration;
using Edge.Agent.Inference;
using Edge.Agent.Telemetry;
using Edge.Runtime.Sessions;

namespace Edge.Agent.Tests.Telemetry;

public class RooflineTests
{
    [Fact]
    public void Below_the_ridge_point_a_model_is_memory_bound_and_above_it_compute_bound()
    {
        var peaks = TelemetryTests.Peaks(bandwidthGBps: 10, int8Gops: 400, fp32Gops: 100); // fp32 ridge: 10 ops/byte
        var light = Roofline.For(new ModelFigures(WeightBytes: 1000, ActivationBytes: 0, Operations: 2000, Int8Operations: 0, Partitions: 1), peaks)!;
        Assert.Equal(10, light.RidgePoint, 9);
        Assert.Equal(Roofline.MemoryBound, light.Bound);
        var heavy = Roofline.For(new ModelFigures(1000, 0, 20_000, 0, 1), peaks)!;
        Assert.Equal(Roofline.ComputeBound, heavy.Bound);
    }

    [Fact]
    public void A_mixed_int8_and_fp32_model_peaks_at_the_harmonic_mix_of_both_peaks()
    {
        var peaks = TelemetryTests.Peaks(bandwidthGBps: 10, int8Gops: 400, fp32Gops: 100);
        // Half the ops int8: time per op = (0.5/400 + 0.5/100) ns, so the peak is 160 GOPS and the ridge 16 ops/byte.
        var mixed = Roofline.For(new ModelFigures(1000, 0, 15_000, 7_500, 1), peaks)!;
        Assert.Equal(160, mixed.PeakGops, 9);
        Assert.Equal(16, mixed.RidgePoint, 9);
        Assert.Equal(Roofline.MemoryBound, mixed.Bound); // intensity 15 < 16
        Assert.Equal(40, Roofline.For(new ModelFigures(1000, 0, 15_000, 15_000, 1), peaks)!.RidgePoint, 9); // all int8
    }

    [Fact]
    public void The_sample_models_report_carries_its_ridge_point_and_the_verdict_flips_with_the_device()
    {
        using var registry = new ModelRegistry();
        registry.Swap(new LoadedModel("digits", ModelVersion.Parse("1"), new RuntimeSessionFactory(new SessionOptions()).Create(RepoFiles.SampleModel)));

        var fast = new TelemetryCollector(registry, "cpu", TelemetryTests.Peaks(bandwidthGBps: 20, int8Gops: 1000, fp32Gops: 1000)).Snapshot();
        var model = fast.Models.Single();
        Assert.Equal(50, model.RidgePoint!.Value, 3); // 1000 GOPS / 20 GB/s
        Assert.True(model.ArithmeticIntensity < 50);
        Assert.Equal("memory", model.Bound);
        Assert.Equal(1000, fast.PeakFp32Gops);

        var slow = new TelemetryCollector(registry, "cpu", TelemetryTests.Peaks(bandwidthGBps: 20, int8Gops: 1000, fp32Gops: 0.01)).Snapshot().Models.Single();
        Assert.True(slow.RidgePoint < slow.ArithmeticIntensity);
        Assert.Equal("compute", slow.Bound);
        Assert.Contains("\"bound\":\"compute\"", System.Text.Encoding.UTF8.GetString(new TelemetryReport { Models = [slow], Process = new ProcessReport() }.ToJsonBytes()));
    }

    [Fact]
    public void The_compute_probe_measures_both_precisions_within_its_budget()
    {
        var clock = Stopwatch.StartNew();
        var (int8, fp32) = ComputeProbe.Measure(TimeSpan.FromMilliseconds(60));
        // Budget plus three runs per precision of a 4 M multiply-add GEMM, on a loaded CI core.
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 0, 1000);
        Assert.InRange(int8, 0.05, 100_000);
        Assert.InRange(fp32, 0.05, 100_000);
    }
}

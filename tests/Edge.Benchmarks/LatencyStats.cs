using System.Diagnostics;

namespace Edge.Benchmarks;

/// <summary>Latency percentiles of one measurement, in milliseconds.</summary>
internal sealed record LatencyStats(int Runs, double P50Ms, double P90Ms, double MinMs, double MeanMs)
{
    /// <summary>
    /// Warm-up (at least <paramref name="warmup"/> runs and a second, so tiered JIT and ORT's
    /// thread pool have settled), then timed runs one by one. Stops early (after at least 10 runs) when the time budget
    /// is spent, so a slow reference kernel cannot hold a shared machine for many minutes.
    /// </summary>
    public static LatencyStats Measure(Action run, int warmup, int iterations, double maxSeconds)
    {
        long warm = Stopwatch.GetTimestamp();
        // Time-bound, not count-bound: .NET promotes a method to optimised code only after ~30 calls
        // and a quiet 100 ms, so a thousand 6 µs runs would still time tier-0 code.
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(warm).TotalSeconds < Math.Min(1.0, maxSeconds / 4); i++)
            run();
        var times = new List<double>(iterations);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (times.Count >= 10 && Stopwatch.GetElapsedTime(start).TotalSeconds > maxSeconds)
                break;
        }
        return FromTimes(times);
    }

    public static LatencyStats FromTimes(List<double> times)
    {
        times.Sort();
        return new LatencyStats(times.Count, Percentile(times, 0.5), Percentile(times, 0.9), times[0], times.Average());
    }

    private static double Percentile(List<double> sorted, double p)
    {
        double rank = p * (sorted.Count - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}

namespace Edge.Cli;

/// <summary>Percentiles (nearest rank) and mean of a set of latencies in milliseconds.</summary>
public sealed record LatencyStatistics(double P50, double P90, double P99, double Min, double Max, double Mean)
{
    public static LatencyStatistics From(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
            throw new ArgumentException("no samples");
        var sorted = samples.Order().ToArray();
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new(Percentile(50), Percentile(90), Percentile(99), sorted[0], sorted[^1], sorted.Average());
    }
}

namespace Edge.Agent.Telemetry;

/// <summary>
/// Lock-free latency histogram with log-spaced buckets (10 µs to ~100 s, 8 per doubling, so a
/// percentile is off by at most ~9 %); percentiles are read from bucket upper bounds, the maximum is exact.
/// </summary>
public sealed class LatencyHistogram
{
    private const double MinMs = 0.01;
    private const int PerDoubling = 8;
    private const int BucketCount = 24 * PerDoubling;
    private readonly long[] _counts = new long[BucketCount + 1];
    private long _count;
    private long _maxTicks;

    public long Count => Interlocked.Read(ref _count);

    public double MaxMs => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks)).TotalMilliseconds;

    public void Record(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _counts[Bucket(elapsed.TotalMilliseconds)]);
        Interlocked.Increment(ref _count);
        long ticks = elapsed.Ticks, seen;
        while (ticks > (seen = Interlocked.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, ticks, seen) != seen)
        {
        }
    }

    /// <summary>The latency below which <paramref name="quantile"/> of the samples fall (0 when empty).</summary>
    public double Percentile(double quantile)
    {
        long total = Count;
        if (total == 0)
            return 0;
        long rank = (long)Math.Ceiling(quantile * total), seen = 0;
        for (int i = 0; i <= BucketCount; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
                return Math.Min(UpperBoundMs(i), MaxMs);
        }
        return MaxMs;
    }

    public static double UpperBoundMs(int bucket) => MinMs * Math.Pow(2, (double)bucket / PerDoubling);

    private static int Bucket(double ms)
        => ms <= MinMs ? 0 : Math.Min(BucketCount, (int)Math.Ceiling(Math.Log2(ms / MinMs) * PerDoubling));
}

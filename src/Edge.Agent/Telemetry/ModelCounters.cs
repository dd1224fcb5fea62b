namespace Edge.Agent.Telemetry;

/// <summary>One model's requests, errors and latencies over one telemetry interval.</summary>
internal sealed class ModelCounters
{
    private long _requests;
    private long _errors;
    private long _busyTicks;

    public LatencyHistogram Latency { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors => Interlocked.Read(ref _errors);

    public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    public void Record(TimeSpan elapsed, bool succeeded)
    {
        Interlocked.Increment(ref _requests);
        if (!succeeded)
            Interlocked.Increment(ref _errors);
        Interlocked.Add(ref _busyTicks, elapsed.Ticks);
        Latency.Record(elapsed);
    }
}

namespace Edge.Agent.Telemetry;

/// <summary>Latency percentiles over one interval, in milliseconds.</summary>
public sealed record LatencyReport
{
    public double P50 { get; init; }
    public double P90 { get; init; }
    public double P99 { get; init; }
    public double Max { get; init; }
}

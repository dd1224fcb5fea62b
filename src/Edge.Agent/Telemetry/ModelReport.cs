namespace Edge.Agent.Telemetry;

/// <summary>One model's figures in a telemetry report.</summary>
public sealed record ModelReport
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required string Backend { get; init; }
    public int? Partitions { get; init; }
    public long Requests { get; init; }
    public long Errors { get; init; }
    public double ThroughputPerSecond { get; init; }
    public LatencyReport? LatencyMs { get; init; }
    public long? WeightBytesPerInference { get; init; }
    public long? ActivationBytesPerInference { get; init; }
    public long? OpsPerInference { get; init; }

    /// <summary>Operations per byte moved (weights + activations).</summary>
    public double? ArithmeticIntensity { get; init; }

    /// <summary>Bytes per inference over mean latency.</summary>
    public double? AchievedGBps { get; init; }

    public double? PeakBandwidthShare { get; init; }
}

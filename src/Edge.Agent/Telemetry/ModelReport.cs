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

    /// <summary>Peak ops/s of this model's int8/fp32 mix on this device, in 10⁹.</summary>
    public double? PeakGops { get; init; }

    /// <summary>Arithmetic intensity at which the device turns from memory- to compute-bound for this model: peak ops/s ÷ peak bytes/s.</summary>
    public double? RidgePoint { get; init; }

    /// <summary><c>memory</c> when the arithmetic intensity is below the ridge point, else <c>compute</c>.</summary>
    public string? Bound { get; init; }

    /// <summary>The distillation gate's figures for this version, when it was deployed with one.</summary>
    public Deployment.DistillationFigures? Distillation { get; init; }
}

namespace Edge.Agent.Telemetry;

/// <summary>The device's roofline: peak memory bandwidth and peak int8 / fp32 throughput, each measured at start or configured.</summary>
public sealed record DevicePeaks
{
    public required double BandwidthGBps { get; init; }

    /// <summary>True when the bandwidth was measured at start (false: from the config).</summary>
    public bool BandwidthMeasured { get; init; }

    /// <summary>Peak int8 operations per second, in 10⁹ (a multiply-add counts 2).</summary>
    public required double Int8Gops { get; init; }

    public required double Fp32Gops { get; init; }

    /// <summary>True when at least one of the compute peaks was measured at start.</summary>
    public bool ComputeMeasured { get; init; }
}

namespace Edge.Agent.Configuration;

/// <summary>One device's agent configuration, validated; relative paths already resolved.</summary>
public sealed record AgentConfig
{
    /// <summary>Names the device in every topic (<c>edge/v1/{DeviceId}/…</c>).</summary>
    public required string DeviceId { get; init; }

    public required BrokerConfig Broker { get; init; }

    /// <summary>Execution backends in order of preference; the first one this build has is used.</summary>
    public required IReadOnlyList<string> Backends { get; init; }

    /// <summary>Root of the model store and transfer files.</summary>
    public required string StateDir { get; init; }

    /// <summary>PEM files of the ECDSA P-256 public keys whose signatures are accepted.</summary>
    public IReadOnlyList<string> TrustedKeys { get; init; } = [];

    /// <summary>Accept manifests without a signature (development only).</summary>
    public bool AllowUnsigned { get; init; }

    public int TelemetryIntervalSeconds { get; init; } = 10;

    /// <summary>The device's peak memory bandwidth, when known; otherwise measured at start.</summary>
    public double? PeakBandwidthGBps { get; init; }

    /// <summary>The device's peak int8 throughput in 10⁹ ops/s (<c>peakGops.int8</c>), when known; otherwise measured at start.</summary>
    public double? PeakInt8Gops { get; init; }

    /// <summary>The device's peak fp32 throughput in 10⁹ ops/s (<c>peakGops.fp32</c>), when known; otherwise measured at start.</summary>
    public double? PeakFp32Gops { get; init; }

    /// <summary>Where to serve Prometheus metrics (<c>/metrics</c>); null serves none.</summary>
    public ListenAddress? MetricsListen { get; init; }

    public LimitsConfig Limits { get; init; } = new();

    /// <summary>How many versions of each model the store keeps (the current one included).</summary>
    public int KeepVersions { get; init; } = 3;

    /// <summary>Models installed at start when the store has no current version of that name.</summary>
    public IReadOnlyList<SeedModel> Models { get; init; } = [];
}

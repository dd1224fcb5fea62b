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

    public LimitsConfig Limits { get; init; } = new();

    /// <summary>How many versions of each model the store keeps (the current one included).</summary>
    public int KeepVersions { get; init; } = 3;

    /// <summary>Models installed at start when the store has no current version of that name.</summary>
    public IReadOnlyList<SeedModel> Models { get; init; } = [];
}

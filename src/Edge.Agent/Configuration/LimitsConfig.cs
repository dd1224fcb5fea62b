namespace Edge.Agent.Configuration;

/// <summary>What one device can take.</summary>
public sealed record LimitsConfig
{
    /// <summary>Largest model accepted, checked against the manifest before any byte is written.</summary>
    public long MaxModelBytes { get; init; } = 64L << 20;

    /// <summary>Inferences run at once; further requests wait.</summary>
    public int MaxConcurrentInferences { get; init; } = 2;
}

namespace Edge.Agent.Telemetry;

/// <summary>The agent process's memory.</summary>
public sealed record ProcessReport
{
    public long RssBytes { get; init; }
    public long GcHeapBytes { get; init; }
}

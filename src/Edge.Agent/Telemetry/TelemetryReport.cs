using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Agent.Telemetry;

/// <summary>The payload of <c>telemetry</c> (PROTOCOL.md).</summary>
public sealed record TelemetryReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public double IntervalSeconds { get; init; }

    public double PeakBandwidthGBps { get; init; }

    /// <summary>True when measured at start, false when taken from the config.</summary>
    public bool PeakBandwidthMeasured { get; init; }

    /// <summary>Peak int8 ops/s in 10⁹ (a multiply-add counts 2).</summary>
    public double PeakInt8Gops { get; init; }

    public double PeakFp32Gops { get; init; }

    /// <summary>True when the compute peaks were measured at start with the runtime's GEMM kernels, false when configured.</summary>
    public bool PeakGopsMeasured { get; init; }

    public required IReadOnlyList<ModelReport> Models { get; init; }

    public required ProcessReport Process { get; init; }

    /// <summary>Reports lost while the broker was away (the buffer is bounded).</summary>
    public long Dropped { get; init; }

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static TelemetryReport? Parse(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize<TelemetryReport>(utf8, Json);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Agent.Deployment;

/// <summary>The retained payload of <c>models/{name}/state</c> (PROTOCOL.md).</summary>
public sealed record DeployState
{
    public const string Receiving = "receiving";
    public const string Verifying = "verifying";
    public const string Quantizing = "quantizing";
    public const string Loading = "loading";
    public const string Active = "active";
    public const string Failed = "failed";
    public const string RolledBack = "rolled-back";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public required string State { get; init; }

    /// <summary>The version this report is about (the deploy's, or the active one at start).</summary>
    public required string Version { get; init; }

    public string? TransferId { get; init; }

    /// <summary>The version serving requests now (unchanged by a failed deploy).</summary>
    public string? ActiveVersion { get; init; }

    public int? ChunksReceived { get; init; }

    public int? Chunks { get; init; }

    /// <summary>Chunk indices the agent asks to be sent again (a stalled or interrupted transfer).</summary>
    public int[]? Missing { get; init; }

    /// <summary>A <see cref="DeployRefusal"/> code when <see cref="State"/> is failed.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>The distillation gate's figures on <c>active</c> when the deploy had a gate (a refusal names them in its message).</summary>
    public DistillationFigures? Distillation { get; init; }

    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static DeployState? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize<DeployState>(utf8, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Agent.Configuration;

namespace Edge.Agent.Deployment;

/// <summary>
/// What a sender announces on <c>models/{name}/deploy</c> before the bytes (PROTOCOL.md has the
/// JSON). <see cref="SignedBytes"/> is what <see cref="Signature"/> covers.
/// </summary>
public sealed record DeployManifest
{
    public const int MaxChunkSize = 16 << 20;

    public required string Name { get; init; }

    public required ModelVersion Version { get; init; }

    /// <summary>SHA-256 of the whole model, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    public required long Size { get; init; }

    /// <summary>Names the chunk topics <c>transfer/{TransferId}/{index}</c>.</summary>
    public required string TransferId { get; init; }

    public required int ChunkSize { get; init; }

    public int ChunkCount => (int)((Size + ChunkSize - 1) / ChunkSize);

    public string Format { get; init; } = "onnx";

    /// <summary>none, dynamic, static or qat: what the sender says the model is (informational).</summary>
    public string Quantization { get; init; } = "none";

    /// <summary>Accept a version not newer than the active one (a deliberate downgrade).</summary>
    public bool Force { get; init; }

    public ManifestSignature? Signature { get; init; }

    /// <summary>Quantize the received fp32 model on the device before validating it; null to run it as sent.</summary>
    public QuantizeOnArrival? Quantize { get; init; }

    /// <summary>The distillation-aware gate the new session must pass before it goes live; null for none.</summary>
    public DistillationCheck? Distillation { get; init; }

    /// <summary>Cases the new session must pass before it goes live.</summary>
    public ValidationSet? Validation { get; init; }

    /// <summary>Canonical JSON of the manifest without its signature.</summary>
    public required byte[] SignedBytes { get; init; }

    /// <summary>The manifest as received, kept beside the stored model.</summary>
    public required string Json { get; init; }

    /// <summary>Parses and checks a manifest; throws <see cref="DeployRefusedException"/> (invalid-manifest) naming the field.</summary>
    public static DeployManifest Parse(ReadOnlySpan<byte> utf8)
    {
        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(utf8) as JsonObject ?? throw Invalid("(root)", "expected a JSON object");
        }
        catch (JsonException e)
        {
            throw Invalid("(root)", $"not valid JSON: {e.Message}");
        }
        string name = String(obj, "name");
        if (!AgentConfigReader.NamePattern().IsMatch(name))
            throw Invalid("name", $"'{name}' is not a valid model name");
        string versionText = String(obj, "version");
        if (!ModelVersion.TryParse(versionText, out var version))
            throw Invalid("version", $"'{versionText}' is not a version (numbers separated by dots)");
        string sha = String(obj, "sha256");
        if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower))
            throw Invalid("sha256", "expected 64 lower-case hex digits");
        long size = Integer(obj, "size", 1, long.MaxValue);
        string transferId = String(obj, "transferId");
        if (!AgentConfigReader.NamePattern().IsMatch(transferId))
            throw Invalid("transferId", $"'{transferId}' is not a valid id");
        int chunkSize = (int)Integer(obj, "chunkSize", 1, MaxChunkSize);
        var manifest = new DeployManifest
        {
            Name = name,
            Version = version,
            Sha256 = sha,
            Size = size,
            TransferId = transferId,
            ChunkSize = chunkSize,
            Format = OptionalString(obj, "format") ?? "onnx",
            Quantization = OptionalString(obj, "quantization") ?? "none",
            Force = obj["force"]?.GetValueKind() == JsonValueKind.True,
            Signature = ManifestSignature.From(obj["signature"]),
            Validation = ValidationSet.From(obj["validation"]),
            Quantize = QuantizeOnArrival.From(obj["quantize"]),
            Distillation = DistillationCheck.From(obj["distillation"]),
            SignedBytes = CanonicalJson.Serialize(obj, "signature"),
            Json = Encoding.UTF8.GetString(utf8),
        };
        if (manifest.Format != "onnx")
            throw Invalid("format", $"'{manifest.Format}' is not supported (onnx)");
        if (obj.TryGetPropertyValue("chunks", out var chunks) && chunks?.GetValue<long>() != manifest.ChunkCount)
            throw Invalid("chunks", $"{chunks} does not match size/chunkSize ({manifest.ChunkCount})");
        return manifest;
    }

    /// <summary>The unsigned JSON object a sender builds (then signs with <see cref="ManifestSigner"/>).</summary>
    public static JsonObject Create(string name, string version, string sha256, long size, string transferId, int chunkSize, bool force = false, string quantization = "none")
        => new()
        {
            ["name"] = name,
            ["version"] = version,
            ["sha256"] = sha256,
            ["size"] = size,
            ["transferId"] = transferId,
            ["chunkSize"] = chunkSize,
            ["chunks"] = (size + chunkSize - 1) / chunkSize,
            ["format"] = "onnx",
            ["quantization"] = quantization,
            ["force"] = force,
        };

    private static DeployRefusedException Invalid(string field, string problem) => DeployRefusedException.InvalidManifest(field, problem);

    private static string String(JsonObject obj, string name)
        => OptionalString(obj, name) ?? throw Invalid(name, "required");

    private static string? OptionalString(JsonObject obj, string name)
    {
        var node = obj[name];
        if (node is null)
            return null;
        if (node.GetValueKind() != JsonValueKind.String || node.GetValue<string>().Length == 0)
            throw Invalid(name, "expected a non-empty string");
        return node.GetValue<string>();
    }

    private static long Integer(JsonObject obj, string name, long min, long max)
    {
        var node = obj[name] ?? throw Invalid(name, "required");
        if (node.GetValueKind() != JsonValueKind.Number || !long.TryParse(node.ToJsonString(), out long value))
            throw Invalid(name, "expected an integer");
        if (value < min || value > max)
            throw Invalid(name, $"must be between {min} and {max}, got {value}");
        return value;
    }
}

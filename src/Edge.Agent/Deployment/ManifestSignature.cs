using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Agent.Deployment;

/// <summary>An ECDSA P-256/SHA-256 signature (IEEE P1363 r‖s, base64) and the id of the key that made it.</summary>
public sealed record ManifestSignature(string KeyId, byte[] Value)
{
    public const string Algorithm = "ES256";

    internal static ManifestSignature? From(JsonNode? node)
    {
        if (node is null)
            return null;
        if (node is not JsonObject obj)
            throw new DeployRefusedException(DeployRefusal.InvalidManifest, "manifest signature: expected an object { keyId, algorithm, value }");
        string? algorithm = Text(obj, "algorithm");
        if (algorithm != Algorithm)
            throw new DeployRefusedException(DeployRefusal.InvalidManifest, $"manifest signature.algorithm: expected {Algorithm}, got '{algorithm}'");
        string keyId = Text(obj, "keyId") ?? throw new DeployRefusedException(DeployRefusal.InvalidManifest, "manifest signature.keyId: required");
        try
        {
            return new ManifestSignature(keyId, Convert.FromBase64String(Text(obj, "value") ?? ""));
        }
        catch (FormatException)
        {
            throw new DeployRefusedException(DeployRefusal.InvalidManifest, "manifest signature.value: not base64");
        }
    }

    public JsonObject ToJson() => new() { ["keyId"] = KeyId, ["algorithm"] = Algorithm, ["value"] = Convert.ToBase64String(Value) };

    private static string? Text(JsonObject obj, string name)
        => obj[name] is { } n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
}

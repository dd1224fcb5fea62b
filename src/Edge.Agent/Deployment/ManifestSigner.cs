using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Edge.Agent.Deployment;

/// <summary>Signs a manifest object in place over its canonical form (<see cref="CanonicalJson"/>).</summary>
public static class ManifestSigner
{
    public static JsonObject Sign(JsonObject manifest, ECDsa privateKey)
    {
        manifest.Remove("signature");
        byte[] value = privateKey.SignData(CanonicalJson.Serialize(manifest), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        manifest["signature"] = new ManifestSignature(SigningKeys.KeyId(privateKey), value).ToJson();
        return manifest;
    }
}

using System.Security.Cryptography;

namespace Edge.Agent.Deployment;

/// <summary>The public keys whose manifest signatures a device accepts, by key id.</summary>
public sealed class TrustedKeys : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys;

    public TrustedKeys(IEnumerable<ECDsa> keys) => _keys = keys.ToDictionary(SigningKeys.KeyId);

    public static TrustedKeys Load(IEnumerable<string> pemFiles) => new(pemFiles.Select(SigningKeys.LoadPem));

    public int Count => _keys.Count;

    /// <summary>Throws <see cref="DeployRefusedException"/> unless a trusted key signed the manifest (or unsigned ones are allowed).</summary>
    public void Verify(DeployManifest manifest, bool allowUnsigned)
    {
        if (manifest.Signature is not { } signature)
        {
            if (allowUnsigned)
                return;
            throw new DeployRefusedException(DeployRefusal.Unsigned, "the manifest is not signed and this device accepts signed manifests only");
        }
        if (!_keys.TryGetValue(signature.KeyId, out var key))
            throw new DeployRefusedException(DeployRefusal.UntrustedKey, $"the manifest is signed by key {signature.KeyId}, which this device does not trust");
        if (!key.VerifyData(manifest.SignedBytes, signature.Value, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            throw new DeployRefusedException(DeployRefusal.BadSignature, $"the manifest's signature does not verify with trusted key {signature.KeyId}");
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
            key.Dispose();
    }
}

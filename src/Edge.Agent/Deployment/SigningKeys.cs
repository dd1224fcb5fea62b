using System.Security.Cryptography;

namespace Edge.Agent.Deployment;

/// <summary>ECDSA P-256 key pairs as PEM (PKCS#8 private, SubjectPublicKeyInfo public) and their ids.</summary>
public static class SigningKeys
{
    /// <summary>A new key pair as (private PEM, public PEM).</summary>
    public static (string PrivatePem, string PublicPem) Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key.ExportPkcs8PrivateKeyPem(), key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>First 16 hex digits of the SHA-256 of the public key's DER: short, stable, and says which key signed.</summary>
    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    public static ECDsa LoadPem(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new CryptographicException($"{path}: not an ECDSA PEM key ({e.Message})");
        }
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new CryptographicException($"{path}: expected a P-256 key, got {key.KeySize} bits");
        }
        return key;
    }
}

using System.Security.Cryptography;

namespace Edge.Agent.Tests.Deployment;

/// <summary>Fresh P-256 keys for signing tests.</summary>
internal static class TestKeys
{
    public static ECDsa New() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Writes the public half as PEM and returns the path.</summary>
    public static string WritePublic(ECDsa key, string path)
    {
        File.WriteAllText(path, key.ExportSubjectPublicKeyInfoPem());
        return path;
    }
}

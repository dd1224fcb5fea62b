using System.Security.Cryptography;
using Edge.Agent.Configuration;

namespace Edge.Agent.Deployment;

/// <summary>What a manifest must pass before any byte is written, and what the bytes must pass after.</summary>
public sealed class DeployChecks(TrustedKeys keys, bool allowUnsigned, long maxModelBytes)
{
    /// <summary>Signature, size limit and version order; throws <see cref="DeployRefusedException"/>.</summary>
    public void BeforeTransfer(DeployManifest manifest, ModelVersion? activeVersion)
    {
        keys.Verify(manifest, allowUnsigned);
        if (manifest.Size > maxModelBytes)
            throw new DeployRefusedException(DeployRefusal.TooLarge, $"the model is {manifest.Size} bytes; this device takes at most {maxModelBytes}");
        if (activeVersion is not null && manifest.Version.CompareTo(activeVersion) <= 0 && !manifest.Force)
            throw new DeployRefusedException(DeployRefusal.NotNewer, $"version {manifest.Version} is not newer than the active {activeVersion} (set force to downgrade)");
    }

    /// <summary>Length and SHA-256 of the assembled bytes against the manifest.</summary>
    public static void AfterTransfer(DeployManifest manifest, ReadOnlySpan<byte> model)
        => AfterTransfer(manifest, model.Length, Convert.ToHexStringLower(SHA256.HashData(model)));

    /// <summary>Checks a model whose digest was computed as it arrived.</summary>
    public static void AfterTransfer(DeployManifest manifest, long size, string actual)
    {
        if (size != manifest.Size)
            throw new DeployRefusedException(DeployRefusal.Truncated, $"received {size} of {manifest.Size} bytes");
        if (actual != manifest.Sha256)
            throw new DeployRefusedException(DeployRefusal.HashMismatch, $"the received model's SHA-256 is {actual}, the manifest says {manifest.Sha256}");
    }
}

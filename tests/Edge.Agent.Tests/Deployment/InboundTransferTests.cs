using System.Security.Cryptography;
using Edge.Agent.Deployment;

namespace Edge.Agent.Tests.Deployment;

/// <summary>The running SHA-256 of a transfer equals the model's whatever order chunks arrive in, and across a restart.</summary>
public sealed class InboundTransferTests
{
    private const int ChunkSize = 1000;
    private static readonly byte[] Model = RandomNumberGenerator.GetBytes(5 * ChunkSize + 123);

    private static DeployManifest Manifest(string transferId) => DeployManifest.Parse(System.Text.Encoding.UTF8.GetBytes(
        DeployManifest.Create("m", "1.0", Convert.ToHexStringLower(SHA256.HashData(Model)), Model.Length, transferId, ChunkSize).ToJsonString()));

    private static ReadOnlySpan<byte> Chunk(int index) => Model.AsSpan(index * ChunkSize, Math.Min(ChunkSize, Model.Length - index * ChunkSize));

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData(new[] { 5, 4, 3, 2, 1, 0 })]
    [InlineData(new[] { 2, 0, 5, 1, 1, 4, 3 })]
    public void DigestMatchesTheModelInAnyArrivalOrder(int[] order)
    {
        using var folder = new TempFolder();
        using var transfer = InboundTransfer.Create(Manifest("t1"), folder.Path);
        foreach (int i in order)
            transfer.Add(i, Chunk(i));

        var (sha256, size) = transfer.Digest();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Model)), sha256);
        Assert.Equal(Model.Length, size);
        DeployChecks.AfterTransfer(transfer.Manifest, size, sha256);
        Assert.Equal(Model, File.ReadAllBytes(transfer.DataPath));
    }

    [Fact]
    public void ResumedTransferHashesWhatArrivedBeforeTheRestart()
    {
        using var folder = new TempFolder();
        var manifest = Manifest("t2");
        using (var first = InboundTransfer.Create(manifest, folder.Path))
        {
            first.Add(0, Chunk(0));
            first.Add(1, Chunk(1));
            first.Add(4, Chunk(4));
        }
        using var resumed = InboundTransfer.Resume(Path.Combine(folder.Path, "t2.manifest.json"))!;
        foreach (int i in new[] { 3, 2, 5 })
            resumed.Add(i, Chunk(i));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Model)), resumed.Digest().Sha256);
    }

    [Fact]
    public void DigestOfAnIncompleteTransferIsRefused()
    {
        using var folder = new TempFolder();
        using var transfer = InboundTransfer.Create(Manifest("t3"), folder.Path);
        transfer.Add(1, Chunk(1));
        Assert.Throws<InvalidOperationException>(() => transfer.Digest());
    }

    [Fact]
    public void ACorruptedChunkOnDiskFailsTheHashCheckAfterAResume()
    {
        using var folder = new TempFolder();
        var manifest = Manifest("t4");
        using (var first = InboundTransfer.Create(manifest, folder.Path))
            for (int i = 0; i < 3; i++)
                first.Add(i, Chunk(i));
        // A crash that left garbage where chunk 1 was marked as written.
        using (var part = File.OpenWrite(Path.Combine(folder.Path, "t4.part")))
        {
            part.Position = ChunkSize + 10;
            part.WriteByte((byte)(Model[ChunkSize + 10] ^ 0xFF));
        }
        using var resumed = InboundTransfer.Resume(Path.Combine(folder.Path, "t4.manifest.json"))!;
        for (int i = 3; i < 6; i++)
            resumed.Add(i, Chunk(i));
        var (sha256, size) = resumed.Digest();
        var refusal = Assert.Throws<DeployRefusedException>(() => DeployChecks.AfterTransfer(resumed.Manifest, size, sha256));
        Assert.Equal(DeployRefusal.HashMismatch, refusal.Reason);
    }
}

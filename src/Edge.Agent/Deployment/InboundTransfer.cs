using System.Security.Cryptography;
using Edge.Agent.Store;
using Microsoft.Win32.SafeHandles;

namespace Edge.Agent.Deployment;

/// <summary>
/// The chunks of one announced model, written at their offsets into <c>{transfers}/{id}.part</c>
/// with a one-byte-per-chunk record of what arrived in <c>{id}.have</c> and the manifest beside them,
/// so an agent restart resumes the transfer instead of starting over. The final SHA-256 check catches
/// anything a crash mangled. The hash runs while chunks arrive (in order, the usual case, straight
/// from the message; a gap is caught up from the file once filled), so the end of a transfer does not
/// pay a second pass over the model.
/// </summary>
public sealed class InboundTransfer : IDisposable
{
    private readonly string _folder;
    private readonly SafeFileHandle _data;
    private readonly SafeFileHandle _have;
    private readonly bool[] _received;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Lock _lock = new();
    private int _hashedChunks;
    private byte[]? _readBack;

    private InboundTransfer(DeployManifest manifest, string folder, SafeFileHandle data, SafeFileHandle have, bool[] received)
    {
        Manifest = manifest;
        _folder = folder;
        _data = data;
        _have = have;
        _received = received;
        Received = received.Count(r => r);
        HashReceivedPrefix(-1, default);
    }

    /// <summary>Where the chunks are assembled (moved into the store once verified).</summary>
    public string DataPath => Path.Combine(_folder, Manifest.TransferId + ".part");

    public DeployManifest Manifest { get; }

    public int Received { get; private set; }

    public bool IsComplete => Received == _received.Length;

    /// <summary>When the last new chunk (or the manifest) arrived.</summary>
    public DateTimeOffset LastProgress { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>How often the agent has asked for missing chunks without getting any.</summary>
    public int Asks { get; private set; }

    /// <summary>Starts a transfer on disk (after the manifest passed its checks: nothing is written before).</summary>
    public static InboundTransfer Create(DeployManifest manifest, string folder)
    {
        Directory.CreateDirectory(folder);
        string id = manifest.TransferId;
        var data = File.OpenHandle(Path.Combine(folder, id + ".part"), FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, manifest.Size);
        var have = File.OpenHandle(Path.Combine(folder, id + ".have"), FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, manifest.ChunkCount);
        RandomAccess.SetLength(data, manifest.Size);
        RandomAccess.SetLength(have, manifest.ChunkCount);
        // The manifest goes last: its presence is what makes a transfer resumable.
        DurableFile.WriteAllText(Path.Combine(folder, id + ".manifest.json"), manifest.Json);
        return new InboundTransfer(manifest, folder, data, have, new bool[manifest.ChunkCount]);
    }

    /// <summary>Reopens a transfer an earlier run left; null (and its files removed) when its files are unusable.</summary>
    public static InboundTransfer? Resume(string manifestPath)
    {
        string folder = Path.GetDirectoryName(manifestPath)!;
        string id = Path.GetFileName(manifestPath)[..^".manifest.json".Length];
        try
        {
            var manifest = DeployManifest.Parse(File.ReadAllBytes(manifestPath));
            if (manifest.TransferId != id)
                throw new InvalidDataException("transfer id does not match the file name");
            var data = File.OpenHandle(Path.Combine(folder, id + ".part"), FileMode.Open, FileAccess.ReadWrite);
            var have = File.OpenHandle(Path.Combine(folder, id + ".have"), FileMode.Open, FileAccess.ReadWrite);
            var flags = new byte[manifest.ChunkCount];
            if (RandomAccess.GetLength(data) != manifest.Size || RandomAccess.Read(have, flags, 0) != flags.Length)
            {
                data.Dispose();
                have.Dispose();
                throw new InvalidDataException("files do not match the manifest");
            }
            return new InboundTransfer(manifest, folder, data, have, flags.Select(f => f == 1).ToArray());
        }
        catch (Exception e) when (e is IOException or InvalidDataException or DeployRefusedException or UnauthorizedAccessException)
        {
            DeleteFiles(folder, id);
            return null;
        }
    }

    /// <summary>Stores chunk <paramref name="index"/>; a repeat is ignored (QoS 1 may redeliver). Throws for a chunk that cannot belong.</summary>
    /// <returns>True when the chunk was new.</returns>
    public bool Add(int index, ReadOnlySpan<byte> chunk)
    {
        if (index < 0 || index >= _received.Length)
            throw new DeployRefusedException(DeployRefusal.Truncated, $"chunk {index} is outside 0..{_received.Length - 1}");
        long offset = (long)index * Manifest.ChunkSize;
        long expected = Math.Min(Manifest.ChunkSize, Manifest.Size - offset);
        if (chunk.Length != expected)
            throw new DeployRefusedException(DeployRefusal.Truncated, $"chunk {index} has {chunk.Length} bytes, expected {expected}");
        lock (_lock)
        {
            if (_received[index])
                return false;
            RandomAccess.Write(_data, chunk, offset);
            // Marked only after its bytes are written: a kill in between just means the chunk is asked for again.
            RandomAccess.Write(_have, [1], index);
            _received[index] = true;
            Received++;
            Asks = 0;
            LastProgress = DateTimeOffset.UtcNow;
            HashReceivedPrefix(index, chunk);
            return true;
        }
    }

    /// <summary>The complete model's SHA-256 (lower-case hex) and its size as read back from disk.</summary>
    public (string Sha256, long Size) Digest()
    {
        lock (_lock)
        {
            if (!IsComplete)
                throw new InvalidOperationException($"transfer {Manifest.TransferId} has {Received} of {_received.Length} chunks");
            return (Convert.ToHexStringLower(_hash.GetCurrentHash()), RandomAccess.GetLength(_data));
        }
    }

    /// <summary>Forces the assembled bytes to disk before they are moved into the store.</summary>
    public void FlushToDisk() => RandomAccess.FlushToDisk(_data);

    /// <summary>Extends the running hash over the chunks now contiguous from the start.</summary>
    /// <param name="justWritten">The chunk just stored (hashed from <paramref name="chunk"/>, not read back), or -1.</param>
    private void HashReceivedPrefix(int justWritten, ReadOnlySpan<byte> chunk)
    {
        while (_hashedChunks < _received.Length && _received[_hashedChunks])
        {
            if (_hashedChunks == justWritten)
            {
                _hash.AppendData(chunk);
            }
            else
            {
                long offset = (long)_hashedChunks * Manifest.ChunkSize;
                int length = (int)Math.Min(Manifest.ChunkSize, Manifest.Size - offset);
                _readBack ??= new byte[Manifest.ChunkSize];
                int read = RandomAccess.Read(_data, _readBack.AsSpan(0, length), offset);
                _hash.AppendData(_readBack.AsSpan(0, read));
            }
            _hashedChunks++;
        }
    }

    /// <summary>Counts an ask; the clock restarts so asks are spaced by the stall timeout.</summary>
    public void MarkAsked()
    {
        Asks++;
        LastProgress = DateTimeOffset.UtcNow;
    }

    /// <summary>Indices not received yet, at most <paramref name="limit"/> of them (the state message stays small).</summary>
    public int[] Missing(int limit = 1000)
        => Enumerable.Range(0, _received.Length).Where(i => !_received[i]).Take(limit).ToArray();

    /// <summary>Closes and removes the transfer's files (finished, refused or superseded).</summary>
    public void Delete()
    {
        Dispose();
        DeleteFiles(_folder, Manifest.TransferId);
    }

    public void Dispose()
    {
        _data.Dispose();
        _have.Dispose();
        _hash.Dispose();
    }

    private static void DeleteFiles(string folder, string id)
    {
        // The manifest first: without it the rest is never resumed.
        foreach (string suffix in new[] { ".manifest.json", ".part", ".have" })
            File.Delete(Path.Combine(folder, id + suffix));
    }
}

namespace Edge.Agent.Deployment;

/// <summary>The chunks of one announced model, assembled in memory (size-checked before allocation).</summary>
public sealed class InboundTransfer(DeployManifest manifest)
{
    private readonly byte[] _bytes = new byte[manifest.Size];
    private readonly bool[] _received = new bool[manifest.ChunkCount];

    public DeployManifest Manifest { get; } = manifest;

    public int Received { get; private set; }

    public bool IsComplete => Received == _received.Length;

    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>When the last new chunk (or the manifest) arrived.</summary>
    public DateTimeOffset LastProgress { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>How often the agent has asked for missing chunks without getting any.</summary>
    public int Asks { get; private set; }

    /// <summary>Counts an ask; the clock restarts so asks are spaced by the stall timeout.</summary>
    public void MarkAsked()
    {
        Asks++;
        LastProgress = DateTimeOffset.UtcNow;
    }

    /// <summary>Indices not received yet, at most <paramref name="limit"/> of them (the state message stays small).</summary>
    public int[] Missing(int limit = 1000)
        => Enumerable.Range(0, _received.Length).Where(i => !_received[i]).Take(limit).ToArray();

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
        if (_received[index])
            return false;
        chunk.CopyTo(_bytes.AsSpan((int)offset));
        _received[index] = true;
        Received++;
        Asks = 0;
        LastProgress = DateTimeOffset.UtcNow;
        return true;
    }
}

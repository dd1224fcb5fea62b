namespace Edge.Runtime.Operators;

/// <summary>
/// Intra-op parallel loops with a fixed degree. With one thread everything runs inline: batch-1
/// kernels often lose when split, so each kernel decides by its own work size whether to call <see cref="For"/>.
/// </summary>
public sealed class ParallelRunner
{
    /// <summary>Runs everything on the calling thread.</summary>
    public static readonly ParallelRunner Sequential = new(1);

    private readonly ParallelOptions _options;

    public ParallelRunner(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread");
        Threads = threads;
        _options = new ParallelOptions { MaxDegreeOfParallelism = threads };
    }

    public int Threads { get; }

    /// <summary>
    /// Calls <paramref name="body"/>(start, end) over [0, count) in at most <see cref="Threads"/> chunks
    /// of at least <paramref name="minChunk"/> items.
    /// </summary>
    public void For(int count, int minChunk, Action<int, int> body)
    {
        int chunks = Math.Min(Threads, Math.Max(1, count / Math.Max(1, minChunk)));
        if (chunks <= 1)
        {
            body(0, count);
            return;
        }
        System.Threading.Tasks.Parallel.For(0, chunks, _options, chunk =>
        {
            int start = (int)((long)count * chunk / chunks);
            int end = (int)((long)count * (chunk + 1) / chunks);
            body(start, end);
        });
    }
}

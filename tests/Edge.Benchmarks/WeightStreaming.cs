namespace Edge.Benchmarks;

/// <summary>
/// Cold-weight GEMV: several copies of the 16 MiB int8 GEMV (each session holds its own packed
/// weights, together well over the last-level cache) run round-robin, so every run streams its
/// weights from DRAM — a single 16 MiB matrix would sit in L3 and overstate the bandwidth.
/// </summary>
internal static class WeightStreaming
{
    public const int Copies = 10;

    public sealed record Result(int Copies, long WeightBytesPerRun, LatencyStats Stats)
    {
        public double GBps => WeightBytesPerRun / (Stats.P50Ms / 1e3) / 1e9;
    }

    public static Result Measure(Func<IEngine> create, long weightBytesPerRun, int iterations, double maxSeconds)
    {
        var engines = new List<IEngine>();
        try
        {
            for (int i = 0; i < Copies; i++)
                engines.Add(create());
            int next = 0;
            void RunNext()
            {
                engines[next].Run();
                next = (next + 1) % engines.Count;
            }
            var stats = LatencyStats.Measure(RunNext, warmup: 2 * Copies, iterations: Math.Max(iterations, 2 * Copies), maxSeconds);
            return new Result(Copies, weightBytesPerRun, stats);
        }
        finally
        {
            foreach (var e in engines)
                e.Dispose();
        }
    }
}

namespace Edge.Benchmarks;

/// <summary>A loaded model with its inputs and output buffers bound, so <see cref="Run"/> is only the inference.</summary>
internal interface IEngine : IDisposable
{
    void Run();

    /// <summary>Copies the last run's outputs out (not timed).</summary>
    IReadOnlyList<BenchOutput> ReadOutputs();
}

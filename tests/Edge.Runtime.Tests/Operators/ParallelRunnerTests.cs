using Edge.Runtime.Operators;

namespace Edge.Runtime.Tests.Operators;

public sealed unsafe class ParallelRunnerTests
{
    private readonly struct SumState(long[] partials)
    {
        public long[] Partials { get; } = partials;
    }

    private static void AddRange(in SumState state, int start, int end)
    {
        long sum = 0;
        for (int i = start; i < end; i++)
            sum += i;
        Interlocked.Add(ref state.Partials[0], sum);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void EveryIndexIsVisitedExactlyOnce(int threads)
    {
        using var runner = new ParallelRunner(threads);
        for (int round = 0; round < 50; round++)
        {
            var state = new SumState(new long[1]);
            runner.For(10_001, 1, in state, &AddRange);
            Assert.Equal(10_000L * 10_001 / 2, state.Partials[0]);
        }
    }

    [Fact]
    public void DelegateOverloadCoversTheRange()
    {
        using var runner = new ParallelRunner(3);
        var seen = new int[1000];
        runner.For(seen.Length, 10, (start, end) => { for (int i = start; i < end; i++) seen[i]++; });
        Assert.All(seen, v => Assert.Equal(1, v));
    }

    [Fact]
    public void ExceptionInAWorkerChunkReachesTheCaller()
    {
        using var runner = new ParallelRunner(2);
        var e = Assert.Throws<InvalidOperationException>(() =>
            runner.For(100, 1, (start, _) => { if (start > 0) throw new InvalidOperationException("chunk failed"); }));
        Assert.Equal("chunk failed", e.Message);
        // The runner still works afterwards.
        int total = 0;
        runner.For(100, 1, (start, end) => Interlocked.Add(ref total, end - start));
        Assert.Equal(100, total);
    }

    [Fact]
    public void ConcurrentLoopsOnOneRunnerBothComplete()
    {
        using var runner = new ParallelRunner(2);
        var results = new long[8];
        Parallel.For(0, results.Length, k =>
        {
            for (int round = 0; round < 20; round++)
            {
                long local = 0;
                runner.For(1000, 1, (start, end) => Interlocked.Add(ref local, end - start));
                results[k] += local;
            }
        });
        Assert.All(results, r => Assert.Equal(20_000, r));
    }
}

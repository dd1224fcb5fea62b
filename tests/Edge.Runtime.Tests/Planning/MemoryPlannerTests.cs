using Edge.Runtime.Planning;

namespace Edge.Runtime.Tests.Planning;

public sealed class MemoryPlannerTests
{
    [Fact]
    public void ValuesWithDisjointLifetimesShareBytes()
    {
        // a: steps 0-1, b: steps 1-2, c: steps 2-3 → a and c can share.
        var (offsets, arena) = MemoryPlanner.Plan([1000, 1000, 1000], [0, 1, 2], [1, 2, 3]);
        Assert.Equal(offsets[0], offsets[2]);
        Assert.NotEqual(offsets[0], offsets[1]);
        Assert.True(arena < 3000, $"arena {arena} should reuse memory");
    }

    [Fact]
    public void OverlappingLifetimesNeverOverlapInMemory()
    {
        var random = new Random(3);
        int n = 60;
        var sizes = Enumerable.Range(0, n).Select(_ => random.Next(1, 5000)).ToArray();
        var first = Enumerable.Range(0, n).Select(_ => random.Next(0, 40)).ToArray();
        var last = first.Select(f => f + random.Next(0, 10)).ToArray();
        var (offsets, arena) = MemoryPlanner.Plan(sizes, first, last);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0, offsets[i] % MemoryPlanner.Alignment);
            Assert.True(offsets[i] + sizes[i] <= arena);
            for (int j = i + 1; j < n; j++)
            {
                bool liveTogether = first[i] <= last[j] && first[j] <= last[i];
                bool memoryOverlaps = offsets[i] < offsets[j] + sizes[j] && offsets[j] < offsets[i] + sizes[i];
                Assert.False(liveTogether && memoryOverlaps, $"values {i} and {j} overlap");
            }
        }
    }
}

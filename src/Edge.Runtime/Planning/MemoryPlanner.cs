namespace Edge.Runtime.Planning;

/// <summary>
/// Lays intermediate values into one arena so that values whose lifetimes do not overlap share
/// bytes. Greedy by size, largest first, each at the lowest offset free for its whole lifetime —
/// the classic offset-calculation heuristic (as in TFLite's arena planner).
/// </summary>
internal static class MemoryPlanner
{
    /// <summary>64 bytes: a cache line, and enough for any SIMD load the kernels issue.</summary>
    public const int Alignment = 64;

    /// <param name="sizes">Bytes per value.</param>
    /// <param name="firstUse">Step index defining each value.</param>
    /// <param name="lastUse">Last step index reading each value (int.MaxValue: live to the end).</param>
    /// <returns>Offsets per value and the arena size.</returns>
    public static (int[] Offsets, int ArenaBytes) Plan(int[] sizes, int[] firstUse, int[] lastUse)
    {
        int n = sizes.Length;
        var offsets = new int[n];
        var placed = new List<int>();
        long arena = 0;
        foreach (int v in Enumerable.Range(0, n).OrderByDescending(i => sizes[i]).ThenBy(i => firstUse[i]))
        {
            int size = Align(sizes[v]);
            var conflicts = placed
                .Where(p => firstUse[p] <= lastUse[v] && firstUse[v] <= lastUse[p])
                .OrderBy(p => offsets[p]);
            long candidate = 0;
            foreach (int p in conflicts)
            {
                if (candidate + size <= offsets[p])
                    break;
                candidate = Math.Max(candidate, offsets[p] + (long)Align(sizes[p]));
            }
            if (candidate + size > int.MaxValue)
                throw new ModelException($"activations need more than 2 GiB of memory at these input shapes");
            offsets[v] = (int)candidate;
            arena = Math.Max(arena, candidate + size);
            placed.Add(v);
        }
        return (offsets, (int)arena);
    }

    private static int Align(int bytes) => (bytes + Alignment - 1) / Alignment * Alignment;
}

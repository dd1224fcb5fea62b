using System.Collections.Concurrent;

namespace Edge.Runtime.Backends.Cpu.Jit;

/// <summary>
/// The mapped <see cref="VnniDirectConvGenerator"/> kernels of each convolution layout, generated once per process and shared
/// by every convolution with the same tap offsets (mappings are never freed, so they are made once per layout, not per model load).
/// </summary>
internal static class DirectConvCode
{
    private static readonly ConcurrentDictionary<string, nint[]?> Cache = new();

    /// <summary>Entry points for 1..<see cref="VnniDirectConvGenerator.MaxRows"/> rows, or null where the code cannot be mapped executable.</summary>
    public static nint[]? Get(int[] tapOffsets, int quadBytes) =>
        Cache.GetOrAdd(string.Join(",", tapOffsets) + "/" + quadBytes, _ => Map(tapOffsets, quadBytes));

    private static unsafe nint[]? Map(int[] tapOffsets, int quadBytes)
    {
        var code = VnniDirectConvGenerator.GenerateAll(tapOffsets, quadBytes, out var offsets);
        byte* mapped = ExecutableMemory.TryMap(code);
        return mapped is null ? null : offsets.Select(offset => (nint)(mapped + offset)).ToArray();
    }
}

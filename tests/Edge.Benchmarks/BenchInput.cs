using Edge.Runtime.Tensors;

namespace Edge.Benchmarks;

/// <summary>One input both engines are fed: the same array, so they compute on identical data.</summary>
internal sealed record BenchInput(string Name, DataType Type, int[] Shape, Array Data)
{
    public long[] LongShape => Shape.Select(d => (long)d).ToArray();
}

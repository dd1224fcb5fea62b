using Edge.Runtime.Tensors;

namespace Edge.Benchmarks;

/// <summary>An output copied out of an engine, as doubles, for comparing Edge with ORT.</summary>
internal sealed record BenchOutput(string Name, DataType Type, int[] Shape, double[] Values);

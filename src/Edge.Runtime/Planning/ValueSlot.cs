using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning;

/// <summary>Where a value lives during a run: a constant, a graph input bound per run, or a range of the arena.</summary>
public sealed record ValueSlot(string Name, DataType Type, TensorShape Shape, Tensor? Constant, bool IsGraphInput, int ArenaOffset)
{
    public int ByteLength => Shape.ElementCount * Type.SizeOf();
}

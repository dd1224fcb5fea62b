using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning;

/// <summary>Where a value lives during a run: a constant, a graph input bound per run, a range of the arena, or (offset −1) only on a device inside a partition.</summary>
public sealed record ValueSlot(string Name, DataType Type, TensorShape Shape, Tensor? Constant, bool IsGraphInput, int ArenaOffset)
{
    public int ByteLength => Shape.ElementCount * Type.SizeOf();
}

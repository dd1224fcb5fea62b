using Edge.Runtime.Operators;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Ops that only relabel the shape (Reshape, Flatten, Squeeze, Unsqueeze): the output shares the input's device bytes.</summary>
internal sealed class ViewDevice(string opType) : DeviceOperator
{
    public override string OpType => opType;

    public override bool Supports(NodeContext context, IlgpuBackend backend) => true;

    public override void Build(NodeContext context, PartitionBuilder builder) => builder.Alias(context, 0, 0);
}

using Edge.Runtime.Operators;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>
/// The device side of one ONNX operator: which planned nodes the ILGPU kernels handle exactly
/// (types, attributes, constant parameters), and how a node becomes device launches in a partition.
/// </summary>
internal abstract class DeviceOperator
{
    public abstract string OpType { get; }

    public virtual string Domain => "";

    /// <summary>The element types the device kernels take, where narrower than the CPU operator's (for <c>edge ops</c>).</summary>
    public virtual string Types => "yes";

    /// <summary>Whether the device kernels reproduce the CPU backend's result for this node.</summary>
    public abstract bool Supports(NodeContext context, IlgpuBackend backend);

    /// <summary>Uploads the node's constants and appends its launches; called once, at session build.</summary>
    public abstract void Build(NodeContext context, PartitionBuilder builder);
}

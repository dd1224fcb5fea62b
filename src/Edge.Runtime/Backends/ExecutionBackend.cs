using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends;

/// <summary>
/// A device that runs kernels. The planner gives each node to the first backend in the session's
/// preference list that claims it and falls back to the CPU backend for the rest. Backends with
/// their own memory (GPUs) build one kernel per partition — a run of consecutive nodes — so that
/// values stay on the device between the partition's nodes.
/// </summary>
public abstract class ExecutionBackend : IDisposable
{
    /// <summary>Short name used on the command line and in telemetry ("cpu", "cuda", "opencl").</summary>
    public abstract string Name { get; }

    /// <summary>What really runs, e.g. the CPU's instruction sets or the GPU's name.</summary>
    public abstract string Description { get; }

    /// <summary>Whether the planner hands this backend whole partitions (<see cref="CreatePartitionKernel"/>) instead of single nodes.</summary>
    public virtual bool UsesPartitions => false;

    /// <summary>Whether this backend can run the node as planned.</summary>
    public bool Supports(Operator op, NodeContext context) => SupportsInternal(op, context);

    /// <summary>Prepares the node's kernel on this backend (packs weights, compiles code).</summary>
    public Kernel CreateKernel(Operator op, NodeContext context) => CreateKernelInternal(op, context);

    /// <summary>
    /// Prepares one kernel for a whole partition: it reads <see cref="ExecutionPartition.Inputs"/> as its
    /// inputs and writes <see cref="ExecutionPartition.Outputs"/> as its outputs, in that order.
    /// Only called when <see cref="UsesPartitions"/> is true.
    /// </summary>
    public Kernel CreatePartitionKernel(ExecutionPartition partition) => CreatePartitionKernelInternal(partition);

    public void Dispose()
    {
        DisposeInternal();
        GC.SuppressFinalize(this);
    }

    protected abstract bool SupportsInternal(Operator op, NodeContext context);

    protected abstract Kernel CreateKernelInternal(Operator op, NodeContext context);

    protected virtual Kernel CreatePartitionKernelInternal(ExecutionPartition partition) =>
        throw new NotSupportedException($"backend '{Name}' runs single nodes, not partitions");

    protected virtual void DisposeInternal() { }
}

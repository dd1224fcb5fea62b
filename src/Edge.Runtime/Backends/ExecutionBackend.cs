using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends;

/// <summary>
/// A device that runs kernels. The planner gives each node to the first backend in the session's
/// preference list that claims it and falls back to the CPU backend for the rest.
/// </summary>
public abstract class ExecutionBackend : IDisposable
{
    /// <summary>Short name used on the command line and in telemetry ("cpu", "cuda", "opencl").</summary>
    public abstract string Name { get; }

    /// <summary>What really runs, e.g. the CPU's instruction sets or the GPU's name.</summary>
    public abstract string Description { get; }

    /// <summary>Whether this backend can run the node as planned.</summary>
    public bool Supports(Operator op, NodeContext context) => SupportsInternal(op, context);

    /// <summary>Prepares the node's kernel on this backend (packs weights, compiles code).</summary>
    public Kernel CreateKernel(Operator op, NodeContext context) => CreateKernelInternal(op, context);

    public void Dispose()
    {
        DisposeInternal();
        GC.SuppressFinalize(this);
    }

    protected abstract bool SupportsInternal(Operator op, NodeContext context);

    protected abstract Kernel CreateKernelInternal(Operator op, NodeContext context);

    protected virtual void DisposeInternal() { }
}

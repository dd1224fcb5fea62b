namespace Edge.Runtime.Operators;

/// <summary>A prepared computation for one node at fixed shapes; executed once per inference.</summary>
public abstract class Kernel
{
    /// <summary>Scratch bytes the kernel needs during <see cref="Execute"/>; the plan provides them.</summary>
    public virtual int WorkspaceBytes => 0;

    /// <summary>Runs the node. Must not allocate in steady state.</summary>
    public abstract void Execute(KernelContext context);
}

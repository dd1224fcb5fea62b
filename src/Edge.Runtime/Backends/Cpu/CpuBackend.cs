using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends.Cpu;

/// <summary>The SIMD CPU backend: runs every registered operator; the fallback for all others.</summary>
public sealed class CpuBackend : ExecutionBackend
{
    public static CpuBackend Instance { get; } = new();

    public override string Name => "cpu";

    public override string Description => $"CPU ({CpuFeatures.Describe()})";

    protected override bool SupportsInternal(Operator op, NodeContext context) => true;

    protected override Kernel CreateKernelInternal(Operator op, NodeContext context) => op.CreateKernel(context);
}

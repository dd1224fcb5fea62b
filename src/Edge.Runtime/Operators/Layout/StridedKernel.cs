namespace Edge.Runtime.Operators.Layout;

/// <summary>Runs a prepared <see cref="StridedCopy"/> from input 0 into output 0.</summary>
internal sealed class StridedKernel(StridedCopy copy) : Kernel
{
    public override void Execute(KernelContext context) => copy.Execute(context.Input(0).Bytes, context.Output(0).Bytes);
}

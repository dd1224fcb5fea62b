namespace Edge.Runtime.Operators.Layout;

/// <summary>Copies input 0's bytes to output 0: the kernel of every op that only changes the shape.</summary>
internal sealed class CopyKernel : Kernel
{
    public static readonly CopyKernel Instance = new();

    public override void Execute(KernelContext context) => context.Input(0).Bytes.CopyTo(context.Output(0).Bytes);
}

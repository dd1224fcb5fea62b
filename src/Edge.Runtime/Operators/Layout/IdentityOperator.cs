using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Identity: copies its input (kept only where it feeds a graph output; elsewhere the optimizer removes it).</summary>
public sealed class IdentityOperator : Operator
{
    public override string OpType => "Identity";

    public override string TypeConstraints => "float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.SetOutput(0, context.InputType(0), context.InputShape(0));
    }

    public override Kernel CreateKernel(NodeContext context) => new CopyKernel();

    public override long CountOperations(NodeContext context) => 0;

    private sealed class CopyKernel : Kernel
    {
        public override void Execute(KernelContext context) => context.Input(0).Bytes.CopyTo(context.Output(0).Bytes);
    }
}

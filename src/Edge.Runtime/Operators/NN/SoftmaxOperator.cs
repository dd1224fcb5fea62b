namespace Edge.Runtime.Operators.NN;

/// <summary>Softmax along one axis (opset 13+: exp(x − max)/Σ over that axis only).</summary>
public sealed class SoftmaxOperator : Operator
{
    public override string OpType => "Softmax";

    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context) => SoftmaxKernel.InferOutputs(context);

    public override Kernel CreateKernel(NodeContext context) => SoftmaxKernel.Create(context, log: false);

    public override long CountOperations(NodeContext context) => 4L * context.InputShape(0).ElementCount;
}

namespace Edge.Runtime.Operators.NN;

/// <summary>LogSoftmax along one axis (opset 13+): x − max − log Σ exp(x − max).</summary>
public sealed class LogSoftmaxOperator : Operator
{
    public override string OpType => "LogSoftmax";

    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context) => SoftmaxKernel.InferOutputs(context);

    public override Kernel CreateKernel(NodeContext context) => SoftmaxKernel.Create(context, log: true);

    public override long CountOperations(NodeContext context) => 4L * context.InputShape(0).ElementCount;
}

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Sigmoid: 1 / (1 + e^−x), vectorised.</summary>
public sealed class SigmoidOperator : UnaryFloatOperator
{
    public override string OpType => "Sigmoid";

    public override Kernel CreateKernel(NodeContext context) => new UnaryFloatKernel<SigmoidFunction>(default);
}

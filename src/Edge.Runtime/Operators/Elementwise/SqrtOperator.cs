namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Sqrt: square root (NaN below zero).</summary>
public sealed class SqrtOperator : UnaryFloatOperator
{
    public override string OpType => "Sqrt";

    public override Kernel CreateKernel(NodeContext context) => new UnaryFloatKernel<SqrtFunction>(default);
}

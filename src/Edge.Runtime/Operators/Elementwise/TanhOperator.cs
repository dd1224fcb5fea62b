namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Tanh: hyperbolic tangent, vectorised.</summary>
public sealed class TanhOperator : UnaryFloatOperator
{
    public override string OpType => "Tanh";

    public override Kernel CreateKernel(NodeContext context) => new UnaryFloatKernel<TanhFunction>(default);
}

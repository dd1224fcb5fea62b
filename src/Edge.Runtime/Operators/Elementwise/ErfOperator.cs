namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Erf: the error function, vectorised (within about 2e-7 of C's erff).</summary>
public sealed class ErfOperator : UnaryFloatOperator
{
    public override string OpType => "Erf";

    public override Kernel CreateKernel(NodeContext context) => new UnaryFloatKernel<ErfFunction>(default);
}

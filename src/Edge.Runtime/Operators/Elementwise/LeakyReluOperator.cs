namespace Edge.Runtime.Operators.Elementwise;

/// <summary>LeakyRelu: x for x ≥ 0, alpha·x below (alpha defaults to 0.01).</summary>
public sealed class LeakyReluOperator : UnaryFloatOperator
{
    public override string OpType => "LeakyRelu";

    public override Kernel CreateKernel(NodeContext context) =>
        new UnaryFloatKernel<LeakyReluFunction>(new LeakyReluFunction(context.Attributes.GetFloat("alpha", 0.01f)));
}

using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Base of the float element-wise functions (Sqrt, Erf, Tanh, …): one float input, output of the same shape.</summary>
public abstract class UnaryFloatOperator : Operator
{
    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.RequireType(0, DataType.Float32);
        context.SetOutput(0, DataType.Float32, context.InputShape(0));
    }
}

using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Flatten: collapses the axes before and from <c>axis</c> into a 2-D [outer, inner] tensor.</summary>
public sealed class FlattenOperator : Operator
{
    public override string OpType => "Flatten";

    public override string TypeConstraints => "float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        var input = context.InputShape(0);
        long axis = context.Attributes.GetInt("axis", 1);
        if (axis < -input.Rank || axis > input.Rank)
            throw context.Fail($"attribute 'axis' = {axis} is out of range [{-input.Rank}, {input.Rank}] for input shape {input}");
        int split = (int)(axis < 0 ? axis + input.Rank : axis);
        context.SetOutput(0, context.InputType(0), new TensorShape(input.SizeBetween(0, split), input.SizeBetween(split, input.Rank)));
    }

    public override Kernel CreateKernel(NodeContext context) => CopyKernel.Instance;

    public override long CountOperations(NodeContext context) => 0;
}

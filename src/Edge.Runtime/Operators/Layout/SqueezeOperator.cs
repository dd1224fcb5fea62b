using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Squeeze: removes the given size-1 axes (all size-1 axes when none are given).</summary>
public sealed class SqueezeOperator : Operator
{
    public override string OpType => "Squeeze";

    public override string TypeConstraints => "T: float, int64, int32, uint8, int8, bool; axes: int64";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 2);
        var input = context.InputShape(0);
        var axesValue = AxisList.ReadOptionalInput(context, 1, "axes");
        var remove = new bool[input.Rank];
        if (axesValue is null)
        {
            for (int d = 0; d < input.Rank; d++)
                remove[d] = input[d] == 1;
        }
        else
        {
            foreach (int axis in AxisList.Normalize(context, axesValue, input.Rank, "input 1 (axes)"))
            {
                if (input[axis] != 1)
                    throw context.Fail($"cannot squeeze axis {axis} of shape {input}: its size is {input[axis]}, not 1");
                remove[axis] = true;
            }
        }
        var dims = new List<int>(input.Rank);
        for (int d = 0; d < input.Rank; d++)
            if (!remove[d])
                dims.Add(input[d]);
        context.SetOutput(0, context.InputType(0), new TensorShape(dims.ToArray()));
    }

    public override Kernel CreateKernel(NodeContext context) => CopyKernel.Instance;

    public override long CountOperations(NodeContext context) => 0;
}

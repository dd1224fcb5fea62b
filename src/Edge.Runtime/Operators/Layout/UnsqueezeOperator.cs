using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Unsqueeze: inserts size-1 axes at the given positions of the output.</summary>
public sealed class UnsqueezeOperator : Operator
{
    public override string OpType => "Unsqueeze";

    public override string TypeConstraints => "T: float, int64, int32, uint8, int8, bool; axes: int64";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 2);
        var input = context.InputShape(0);
        var axesValue = AxisList.ReadOptionalInput(context, 1, "axes")!;
        int rank = input.Rank + axesValue.Length;
        var inserted = new bool[rank];
        foreach (int axis in AxisList.Normalize(context, axesValue, rank, "input 1 (axes)"))
            inserted[axis] = true;
        var dims = new int[rank];
        for (int d = 0, source = 0; d < rank; d++)
            dims[d] = inserted[d] ? 1 : input[source++];
        context.SetOutput(0, context.InputType(0), new TensorShape(dims));
    }

    public override Kernel CreateKernel(NodeContext context) => CopyKernel.Instance;

    public override long CountOperations(NodeContext context) => 0;
}

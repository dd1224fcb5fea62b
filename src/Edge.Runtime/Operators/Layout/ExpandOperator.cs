using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Expand: broadcasts the input against a (constant) shape, numpy-style in both directions.</summary>
public sealed class ExpandOperator : Operator
{
    public override string OpType => "Expand";

    public override string TypeConstraints => "T: float, int64, int32, uint8, int8, bool; shape: int64";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 2);
        context.RequireType(1, DataType.Int64);
        var shape = context.RequireConstant(1, "shape");
        if (shape.Shape.Rank != 1)
            throw context.Fail($"input 1 (shape) must be 1-D, has shape {shape.Shape}");
        var dims = shape.ToInt64Array();
        if (dims.Any(d => d < 0 || d > int.MaxValue))
            throw context.Fail($"input 1 (shape) [{string.Join(",", dims)}] has an invalid dimension");
        var input = context.InputShape(0);
        try
        {
            context.SetOutput(0, context.InputType(0), Broadcasting.Shape(input, new TensorShape(dims)));
        }
        catch (ArgumentException e)
        {
            throw context.Fail($"cannot expand {input} to [{string.Join(",", dims)}]: {e.Message}");
        }
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var output = context.OutputShape(0);
        var strides = Broadcasting.Strides(context.InputShape(0), output);
        return new StridedKernel(StridedCopy.Create(output.Dims, strides, 0, context.InputType(0).SizeOf(), context.InputShape(0).ElementCount));
    }

    public override long CountOperations(NodeContext context) => 0;
}

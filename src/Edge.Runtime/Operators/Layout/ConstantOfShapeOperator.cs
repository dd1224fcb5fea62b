using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>ConstantOfShape: a tensor of the given (constant) shape filled with the one-element <c>value</c> attribute (default float 0).</summary>
public sealed class ConstantOfShapeOperator : Operator
{
    public override string OpType => "ConstantOfShape";

    public override string TypeConstraints => "T1: int64; T2: float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.RequireType(0, DataType.Int64);
        var shape = context.RequireConstant(0, "shape");
        if (shape.Shape.Rank != 1)
            throw context.Fail($"input 0 (shape) must be 1-D, has shape {shape.Shape}");
        var dims = shape.ToInt64Array();
        if (dims.Any(d => d < 0))
            throw context.Fail($"input 0 (shape) [{string.Join(",", dims)}] has a negative dimension");
        TensorShape output;
        try
        {
            output = new TensorShape(dims);
        }
        catch (ArgumentException e)
        {
            throw context.Fail($"input 0 (shape): {e.Message}");
        }
        context.SetOutput(0, Fill(context).Type, output);
    }

    public override Kernel CreateKernel(NodeContext context) => new FillKernel(Fill(context));

    public override long CountOperations(NodeContext context) => 0;

    private static Tensor Fill(NodeContext context)
    {
        var value = context.Attributes.GetTensor("value");
        if (value is null)
            return Tensor.Scalar(0f);
        if (value.ElementCount != 1)
            throw context.Fail($"attribute 'value' must hold exactly one element, has shape {value.Shape}");
        return value;
    }

    private sealed class FillKernel(Tensor value) : Kernel
    {
        public override void Execute(KernelContext context) => ElementFill.Fill(context.Output(0).Bytes, value.Bytes);
    }
}

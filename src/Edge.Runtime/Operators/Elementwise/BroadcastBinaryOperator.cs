using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Base of the broadcasting arithmetic operators (Add, Sub, Mul, Div): two inputs of one numeric type, numpy broadcasting.</summary>
public abstract class BroadcastBinaryOperator : Operator
{
    private static readonly DataType[] Supported = [DataType.Float32, DataType.Int32, DataType.Int64, DataType.UInt8, DataType.Int8];

    public override string TypeConstraints => "float, int32, int64, uint8, int8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 2);
        var type = context.RequireType(0, Supported);
        if (context.InputType(1) != type)
            throw context.Fail($"inputs have different types ({type.OnnxName()} and {context.InputType(1).OnnxName()})");
        context.SetOutput(0, type, ElementwiseShapes.Broadcast(context, context.InputShape(0), context.InputShape(1)));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (output, inputs) = BroadcastCoalescing.Coalesce(context.OutputShape(0), context.InputShape(0), context.InputShape(1));
        return CreateKernel(context.InputType(0), inputs[0], inputs[1], output);
    }

    /// <summary>The kernel for inputs of <paramref name="type"/> (one of float, int32, int64, uint8, int8).</summary>
    protected abstract Kernel CreateKernel(DataType type, TensorShape a, TensorShape b, TensorShape output);
}

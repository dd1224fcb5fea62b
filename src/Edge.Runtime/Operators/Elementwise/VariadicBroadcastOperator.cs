using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Base of Max and Min: one or more inputs of one numeric type, broadcast together.</summary>
public abstract class VariadicBroadcastOperator : Operator
{
    private static readonly DataType[] Supported = [DataType.Float32, DataType.Int32, DataType.Int64, DataType.UInt8, DataType.Int8];

    public override string TypeConstraints => "float, int32, int64, uint8, int8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, int.MaxValue);
        var type = context.RequireType(0, Supported);
        var shapes = new TensorShape[context.InputCount];
        for (int i = 0; i < shapes.Length; i++)
        {
            if (context.InputType(i) != type)
                throw context.Fail($"input {i} has type {context.InputType(i).OnnxName()}, input 0 {type.OnnxName()}: all inputs must share one type");
            shapes[i] = context.InputShape(i);
        }
        context.SetOutput(0, type, ElementwiseShapes.Broadcast(context, shapes));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var shapes = new TensorShape[context.InputCount];
        for (int i = 0; i < shapes.Length; i++)
            shapes[i] = context.InputShape(i);
        var (output, inputs) = BroadcastCoalescing.Coalesce(context.OutputShape(0), shapes);
        return CreateKernel(context.InputType(0), inputs, output);
    }

    /// <summary>The kernel for inputs of <paramref name="type"/> (one of float, int32, int64, uint8, int8).</summary>
    protected abstract Kernel CreateKernel(DataType type, TensorShape[] inputs, TensorShape output);
}

using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Relu: max(x, 0).</summary>
public sealed class ReluOperator : Operator
{
    public override string OpType => "Relu";

    public override string TypeConstraints => "float, int32, int64, int8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        var type = context.RequireType(0, DataType.Float32, DataType.Int32, DataType.Int64, DataType.Int8);
        context.SetOutput(0, type, context.InputShape(0));
    }

    public override Kernel CreateKernel(NodeContext context) => context.InputType(0) switch
    {
        DataType.Float32 => new ReluKernel<float>(),
        DataType.Int32 => new ReluKernel<int>(),
        DataType.Int64 => new ReluKernel<long>(),
        _ => new ReluKernel<sbyte>(),
    };
}

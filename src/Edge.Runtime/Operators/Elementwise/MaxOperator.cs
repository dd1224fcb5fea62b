using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Max: element-wise maximum of one or more broadcast inputs.</summary>
public sealed class MaxOperator : VariadicBroadcastOperator
{
    public override string OpType => "Max";

    protected override Kernel CreateKernel(DataType type, TensorShape[] inputs, TensorShape output) => type switch
    {
        DataType.Float32 => new VariadicKernel<float, MaxOperation<float>>(inputs, output),
        DataType.Int32 => new VariadicKernel<int, MaxOperation<int>>(inputs, output),
        DataType.Int64 => new VariadicKernel<long, MaxOperation<long>>(inputs, output),
        DataType.UInt8 => new VariadicKernel<byte, MaxOperation<byte>>(inputs, output),
        DataType.Int8 => new VariadicKernel<sbyte, MaxOperation<sbyte>>(inputs, output),
        _ => throw new NotSupportedException($"Max of {type.OnnxName()}"),
    };
}

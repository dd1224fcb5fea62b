using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Min: element-wise minimum of one or more broadcast inputs.</summary>
public sealed class MinOperator : VariadicBroadcastOperator
{
    public override string OpType => "Min";

    protected override Kernel CreateKernel(DataType type, TensorShape[] inputs, TensorShape output) => type switch
    {
        DataType.Float32 => new VariadicKernel<float, MinOperation<float>>(inputs, output),
        DataType.Int32 => new VariadicKernel<int, MinOperation<int>>(inputs, output),
        DataType.Int64 => new VariadicKernel<long, MinOperation<long>>(inputs, output),
        DataType.UInt8 => new VariadicKernel<byte, MinOperation<byte>>(inputs, output),
        DataType.Int8 => new VariadicKernel<sbyte, MinOperation<sbyte>>(inputs, output),
        _ => throw new NotSupportedException($"Min of {type.OnnxName()}"),
    };
}

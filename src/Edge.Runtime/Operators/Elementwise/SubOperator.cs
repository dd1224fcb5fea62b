using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Sub with numpy broadcasting; integers wrap on overflow.</summary>
public sealed class SubOperator : BroadcastBinaryOperator
{
    public override string OpType => "Sub";

    protected override Kernel CreateKernel(DataType type, TensorShape a, TensorShape b, TensorShape output) => type switch
    {
        DataType.Float32 => new BinaryKernel<float, SubOperation<float>>(a, b, output),
        DataType.Int32 => new BinaryKernel<int, SubOperation<int>>(a, b, output),
        DataType.Int64 => new BinaryKernel<long, SubOperation<long>>(a, b, output),
        DataType.UInt8 => new BinaryKernel<byte, SubOperation<byte>>(a, b, output),
        DataType.Int8 => new BinaryKernel<sbyte, SubOperation<sbyte>>(a, b, output),
        _ => throw new NotSupportedException($"Sub of {type.OnnxName()}"),
    };
}

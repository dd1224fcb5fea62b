using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Mul with numpy broadcasting; integers wrap on overflow.</summary>
public sealed class MulOperator : BroadcastBinaryOperator
{
    public override string OpType => "Mul";

    protected override Kernel CreateKernel(DataType type, TensorShape a, TensorShape b, TensorShape output) => type switch
    {
        DataType.Float32 => new BinaryKernel<float, MulOperation<float>>(a, b, output),
        DataType.Int32 => new BinaryKernel<int, MulOperation<int>>(a, b, output),
        DataType.Int64 => new BinaryKernel<long, MulOperation<long>>(a, b, output),
        DataType.UInt8 => new BinaryKernel<byte, MulOperation<byte>>(a, b, output),
        DataType.Int8 => new BinaryKernel<sbyte, MulOperation<sbyte>>(a, b, output),
        _ => throw new NotSupportedException($"Mul of {type.OnnxName()}"),
    };
}

using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Add with numpy broadcasting; integers wrap on overflow.</summary>
public sealed class AddOperator : BroadcastBinaryOperator
{
    public override string OpType => "Add";

    protected override Kernel CreateKernel(DataType type, TensorShape a, TensorShape b, TensorShape output) => type switch
    {
        DataType.Float32 => new BinaryKernel<float, AddOperation<float>>(a, b, output),
        DataType.Int32 => new BinaryKernel<int, AddOperation<int>>(a, b, output),
        DataType.Int64 => new BinaryKernel<long, AddOperation<long>>(a, b, output),
        DataType.UInt8 => new BinaryKernel<byte, AddOperation<byte>>(a, b, output),
        DataType.Int8 => new BinaryKernel<sbyte, AddOperation<sbyte>>(a, b, output),
        _ => throw new NotSupportedException($"Add of {type.OnnxName()}"),
    };
}

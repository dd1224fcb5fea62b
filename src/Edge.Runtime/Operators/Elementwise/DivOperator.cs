using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>
/// Div with numpy broadcasting. Integer division truncates toward zero (C semantics, as ONNX Runtime);
/// an integer divided by zero gives 0 and MinValue / −1 wraps, where ONNX leaves the result undefined.
/// </summary>
public sealed class DivOperator : BroadcastBinaryOperator
{
    public override string OpType => "Div";

    protected override Kernel CreateKernel(DataType type, TensorShape a, TensorShape b, TensorShape output) => type switch
    {
        DataType.Float32 => new BinaryKernel<float, FloatDivOperation>(a, b, output),
        DataType.Int32 => new BinaryKernel<int, IntegerDivOperation<int>>(a, b, output),
        DataType.Int64 => new BinaryKernel<long, IntegerDivOperation<long>>(a, b, output),
        DataType.UInt8 => new BinaryKernel<byte, IntegerDivOperation<byte>>(a, b, output),
        DataType.Int8 => new BinaryKernel<sbyte, IntegerDivOperation<sbyte>>(a, b, output),
        _ => throw new NotSupportedException($"Div of {type.OnnxName()}"),
    };
}

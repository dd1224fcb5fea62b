using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// com.microsoft DynamicQuantizeMatMul: A (float) is quantized to uint8 with DynamicQuantizeLinear's
/// parameters, multiplied by B in int32, and scaled back as float(acc) · (a_scale · b_scale[n]) + bias[n],
/// the order ONNX Runtime uses.
/// </summary>
public sealed class DynamicQuantizeMatMulOperator : Operator
{
    public override string OpType => "DynamicQuantizeMatMul";

    public override string Domain => "com.microsoft";

    public override string TypeConstraints => "float × uint8, int8 → float";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(3, 5);
        context.RequireType(0, DataType.Float32);
        var bType = context.RequireType(1, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireFloat(context, 2, "b_scale");
        QuantizedValues.RequireZeroPointType(context, 3, bType, "b_zero_point");
        var layout = MatMulLayout.Create(context, 0, 1, pack: false);
        QuantizedValues.RequireScalarOrVector(context, 2, layout.N, "b_scale");
        QuantizedValues.RequireScalarOrVector(context, 3, layout.N, "b_zero_point");
        MatMulIntegerToFloatOperator.RequireBias(context, 4, layout.N);
        context.SetOutput(0, DataType.Float32, layout.Output);
    }

    public override Kernel CreateKernel(NodeContext context) =>
        new MatMulIntegerToFloatOperator.FloatOutputMatMulKernel(MatMulLayout.Create(context, 0, 1, pack: true), false,
            context.InputType(1) == DataType.Int8, bIndex: 1, bScaleIndex: 2, bZeroIndex: 3, biasIndex: 4, aScaleIndex: -1, aZeroIndex: -1);

    public override long CountOperations(NodeContext context) =>
        2L * context.OutputShape(0).ElementCount * context.InputShape(1)[0];
}

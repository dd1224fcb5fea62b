using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// QuantizeLinear: y = saturate(roundEven(x / scale) + zero_point), per tensor or per axis (the
/// division, float clamp and rounding of MLAS's MlasQuantizeLinear). Block quantization (opset 21
/// block_size) and float8 outputs are not supported.
/// </summary>
public sealed class QuantizeLinearOperator : Operator
{
    public override string OpType => "QuantizeLinear";

    public override string TypeConstraints => "float → uint8, int8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 3);
        context.RequireType(0, DataType.Float32);
        QuantizedValues.RequireFloat(context, 1, "y_scale");
        if (context.Attributes.GetInt("block_size", 0) != 0)
            throw context.Fail("block quantization (block_size attribute) is not supported");
        var outputType = OutputType(context);
        QuantizedValues.RequireZeroPointType(context, 2, outputType, "y_zero_point");
        var shape = context.InputShape(0);
        Geometry(context, shape);
        context.SetOutput(0, outputType, shape);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (outer, channels, inner) = Geometry(context, context.InputShape(0));
        return new QuantizeKernel(outer, channels, inner, OutputType(context) == DataType.Int8);
    }

    private static DataType OutputType(NodeContext context)
    {
        long dtype = context.Attributes.GetInt("output_dtype", 0);
        if (context.HasInput(2))
        {
            var zpType = context.InputType(2);
            if (dtype != 0 && dtype != (long)zpType)
                throw context.Fail($"output_dtype {DataTypes.OnnxCodeName((int)dtype)} differs from y_zero_point's type {zpType.OnnxName()}");
            return zpType;
        }
        return dtype switch
        {
            0 or 2 => DataType.UInt8,
            3 => DataType.Int8,
            _ => throw context.Fail($"output_dtype {DataTypes.OnnxCodeName((int)dtype)} is not supported (uint8, int8)"),
        };
    }

    /// <summary>The input viewed as [outer, channels, inner] around the quantization axis (channels = 1 per tensor).</summary>
    internal static (int Outer, int Channels, int Inner) Geometry(NodeContext context, TensorShape shape)
    {
        int scaleCount = context.InputShape(1).ElementCount;
        // A one-element scale quantizes the whole tensor alike, whatever the axis.
        if (scaleCount == 1)
        {
            QuantizedValues.RequireScalar(context, 1, "scale");
            QuantizedValues.RequireScalar(context, 2, "zero_point");
            return (1, 1, shape.ElementCount);
        }
        int axis = NormalizeAxis(context, shape);
        if (context.InputShape(1).Rank != 1 || scaleCount != shape[axis])
            throw context.Fail($"per-axis scale has shape {context.InputShape(1)}; expected [{shape[axis]}] (dimension {axis} of {shape})");
        QuantizedValues.RequireScalarOrVector(context, 2, shape[axis], "zero_point");
        if (context.HasInput(2) && context.InputShape(2).ElementCount != scaleCount)
            throw context.Fail($"zero point has shape {context.InputShape(2)}, scale has {context.InputShape(1)}");
        return (shape.SizeBetween(0, axis), shape[axis], shape.SizeBetween(axis + 1, shape.Rank));
    }

    private static int NormalizeAxis(NodeContext context, TensorShape shape)
    {
        long axis = context.Attributes.GetInt("axis", 1);
        if (axis < -shape.Rank || axis >= shape.Rank)
            throw context.Fail($"axis {axis} is out of range for rank {shape.Rank}");
        return (int)(axis < 0 ? axis + shape.Rank : axis);
    }

    private sealed class QuantizeKernel(int outer, int channels, int inner, bool signed) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).AsSpan<float>();
            var scales = context.Input(1).AsSpan<float>();
            var zeroPoint = context.OptionalInput(2);
            var y = context.Output(0).Bytes;
            for (int o = 0; o < outer; o++)
                for (int c = 0; c < channels; c++)
                {
                    int start = (o * channels + c) * inner;
                    Requantizer.Quantize(x.Slice(start, inner), scales[c], QuantizedValues.ZeroPoint(zeroPoint, zeroPoint is { ElementCount: > 1 } ? c : 0), signed, y.Slice(start, inner));
                }
        }
    }
}

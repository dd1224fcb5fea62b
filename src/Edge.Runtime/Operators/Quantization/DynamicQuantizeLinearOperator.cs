using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// DynamicQuantizeLinear: uint8 quantization with a scale and zero point computed from the data as
/// ONNX Runtime does (qmath.h GetQuantizationParameter): the range is widened to include 0,
/// scale = (max − min) / 255 (1 when max = min), zero point = roundEven(clamp(0 − min / scale, 0, 255)).
/// </summary>
public sealed class DynamicQuantizeLinearOperator : Operator
{
    public override string OpType => "DynamicQuantizeLinear";

    public override string TypeConstraints => "float → uint8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.RequireType(0, DataType.Float32);
        context.SetOutput(0, DataType.UInt8, context.InputShape(0));
        context.SetOutput(1, DataType.Float32, TensorShape.Scalar);
        context.SetOutput(2, DataType.UInt8, TensorShape.Scalar);
    }

    public override Kernel CreateKernel(NodeContext context) => new DynamicQuantizeKernel(context.HasOutput(1), context.HasOutput(2));

    /// <summary>ONNX Runtime's uint8 scale and zero point for <paramref name="data"/>.</summary>
    internal static (float Scale, byte ZeroPoint) Parameters(ReadOnlySpan<float> data)
    {
        // Starting from 0 widens the range to include zero, as ONNX Runtime does after its min/max scan.
        float min = 0f, max = 0f;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && data.Length >= 2 * System.Numerics.Vector<float>.Count)
        {
            int w = System.Numerics.Vector<float>.Count;
            var vMin = System.Numerics.Vector<float>.Zero;
            var vMax = System.Numerics.Vector<float>.Zero;
            for (; i <= data.Length - w; i += w)
            {
                var v = new System.Numerics.Vector<float>(data.Slice(i, w));
                vMin = System.Numerics.Vector.Min(vMin, v);
                vMax = System.Numerics.Vector.Max(vMax, v);
            }
            for (int j = 0; j < w; j++)
            {
                min = Math.Min(min, vMin[j]);
                max = Math.Max(max, vMax[j]);
            }
        }
        for (; i < data.Length; i++)
        {
            min = Math.Min(min, data[i]);
            max = Math.Max(max, data[i]);
        }
        float scale = max == min ? 1.0f : (max - min) / 255f;
        float initialZeroPoint = 0 - min / scale;
        byte zeroPoint = (byte)MathF.Round(Math.Max(0f, Math.Min(255f, initialZeroPoint)), MidpointRounding.ToEven);
        return (scale, zeroPoint);
    }

    private sealed class DynamicQuantizeKernel(bool writeScale, bool writeZeroPoint) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).AsSpan<float>();
            var (scale, zeroPoint) = Parameters(x);
            Requantizer.Quantize(x, scale, zeroPoint, signed: false, context.Output(0).Bytes);
            if (writeScale)
                context.Output(1).AsSpan<float>()[0] = scale;
            if (writeZeroPoint)
                context.Output(2).Bytes[0] = zeroPoint;
        }
    }
}

using Edge.Runtime.Tensors;

namespace Edge.Quantization;

/// <summary>Scales, zero points and rounding as ONNX Runtime's quantizer computes them (float32, round half to even).</summary>
internal static class QuantizationMath
{
    public static (int Min, int Max) Range(ActivationType type) => type == ActivationType.UInt8 ? (0, 255) : (-128, 127);

    public static DataType ToDataType(ActivationType type) => type == ActivationType.UInt8 ? DataType.UInt8 : DataType.Int8;

    /// <summary>Asymmetric activation parameters for a calibrated range, widened to include 0 (so 0 is exact).</summary>
    public static QuantParams ActivationParams(float min, float max, ActivationType type)
    {
        var (qmin, qmax) = Range(type);
        float rmin = Math.Min(min, 0f), rmax = Math.Max(max, 0f);
        float scale = (rmax - rmin) / (qmax - qmin);
        if (!(scale > 1e-30f) || !float.IsFinite(scale))
            return new QuantParams(1f, 0, type);
        int zeroPoint = (int)Math.Clamp(MathF.Round(qmin - rmin / scale, MidpointRounding.ToEven), qmin, qmax);
        return new QuantParams(scale, zeroPoint, type);
    }

    /// <summary>Largest weight magnitude in quantized units: 127, or 63 for 7-bit (reduce-range) weights.</summary>
    public static int WeightLimit(bool reduceRange) => reduceRange ? 63 : 127;

    /// <summary>
    /// Symmetric int8 weights (zero point 0, values in [-limit, limit]): one scale per slice along
    /// <paramref name="axis"/>, or one for the whole tensor when <paramref name="axis"/> is null.
    /// </summary>
    public static (Tensor Quantized, float[] Scales) QuantizeWeights(Tensor weights, int? axis, int limit)
    {
        var values = weights.AsSpan<float>();
        int channels = axis is int a ? weights.Shape[a] : 1;
        int inner = axis is int b ? weights.Shape.SizeBetween(b + 1, weights.Shape.Rank) : values.Length;
        var scales = new float[channels];
        var absMax = new float[channels];
        for (int i = 0; i < values.Length; i++)
        {
            int c = channels == 1 ? 0 : i / inner % channels;
            absMax[c] = Math.Max(absMax[c], Math.Abs(values[i]));
        }
        for (int c = 0; c < channels; c++)
            scales[c] = absMax[c] > 0 ? absMax[c] / limit : 1f;
        var quantized = Tensor.Allocate(DataType.Int8, weights.Shape);
        var q = quantized.AsSpan<sbyte>();
        for (int i = 0; i < values.Length; i++)
        {
            int c = channels == 1 ? 0 : i / inner % channels;
            q[i] = (sbyte)Math.Clamp(MathF.Round(values[i] / scales[c], MidpointRounding.ToEven), -limit, limit);
        }
        return (quantized, scales);
    }

    /// <summary>int32 bias at scale x_scale·w_scale[c] (zero point 0), the scale the int8 kernels accumulate in.</summary>
    public static (Tensor Quantized, float[] Scales) QuantizeBias(Tensor bias, float inputScale, float[] weightScales)
    {
        var b = bias.AsSpan<float>();
        var scales = new float[weightScales.Length];
        for (int c = 0; c < scales.Length; c++)
            scales[c] = inputScale * weightScales[c];
        var quantized = Tensor.Allocate(DataType.Int32, new TensorShape(b.Length));
        var q = quantized.AsSpan<int>();
        for (int i = 0; i < b.Length; i++)
        {
            double v = Math.Round(b[i] / (double)scales[scales.Length == 1 ? 0 : i], MidpointRounding.ToEven);
            q[i] = (int)Math.Clamp(v, int.MinValue, int.MaxValue);
        }
        return (quantized, scales);
    }

    /// <summary>A scale as a scalar (one value) or 1-D tensor (per channel).</summary>
    public static Tensor ScaleTensor(float[] scales) =>
        scales.Length == 1 ? Tensor.Scalar(scales[0]) : Tensor.FromArray<float>(new TensorShape(scales.Length), scales);

    /// <summary>Zero points of 0 matching <paramref name="count"/> scales.</summary>
    public static Tensor ZeroPoints(DataType type, int count) =>
        Tensor.Allocate(type, count == 1 ? TensorShape.Scalar : new TensorShape(count));

    public static Tensor ZeroPoint(QuantParams p) => p.Type == ActivationType.UInt8
        ? Tensor.Scalar((byte)p.ZeroPoint)
        : Tensor.Scalar((sbyte)p.ZeroPoint);
}

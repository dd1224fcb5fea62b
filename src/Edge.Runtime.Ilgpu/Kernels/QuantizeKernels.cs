using ILGPU;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear on the device, per tensor or per axis.</summary>
internal static class QuantizeKernels
{
    /// <summary>Largest group the min/max reduction runs with (static shared memory is sized for it).</summary>
    public const int MaxReductionGroup = 256;

    /// <summary>An element's channel is (index / Inner) mod Channels (Channels = 1 per tensor).</summary>
    public struct ChannelLayout
    {
        public int Inner;
        public int Channels;
        public int Signed;
    }

    /// <summary>y = saturate(roundEven(x / scale[c]) + zeroPoint[c]).</summary>
    public static void Quantize(Index1D i, ArrayView<float> x, ArrayView<float> scales, ArrayView<int> zeroPoints, ArrayView<byte> y, ChannelLayout layout)
    {
        int c = i / layout.Inner % layout.Channels;
        y[i] = Int8Math.Quantize(x[i] / scales[c], zeroPoints[c], layout.Signed);
    }

    /// <summary>y = float(x − zeroPoint[c]) · scale[c] for uint8/int8 x.</summary>
    public static void Dequantize(Index1D i, ArrayView<byte> x, ArrayView<float> scales, ArrayView<int> zeroPoints, ArrayView<float> y, ChannelLayout layout)
    {
        int c = i / layout.Inner % layout.Channels;
        y[i] = (float)(Int8Math.Widen(x[i], layout.Signed) - zeroPoints[c]) * scales[c];
    }

    /// <summary>y = float(x − zeroPoint[c]) · scale[c] for int32 x (biases).</summary>
    public static void DequantizeInt32(Index1D i, ArrayView<int> x, ArrayView<float> scales, ArrayView<int> zeroPoints, ArrayView<float> y, ChannelLayout layout)
    {
        int c = i / layout.Inner % layout.Channels;
        y[i] = (float)(x[i] - zeroPoints[c]) * scales[c];
    }

    /// <summary>Quantization parameters of QLinearAdd's operands and result.</summary>
    public struct AddParameters
    {
        public float AScale;
        public int AZero;
        public float BScale;
        public int BZero;
        public float CScale;
        public int CZero;
        public int Signed;
    }

    /// <summary>
    /// QLinearAdd as MLAS: c = saturate(roundEven((float(a − a_zp)·a_scale + float(b − b_zp)·b_scale) / c_scale) + c_zp),
    /// operands broadcast through <paramref name="shape"/>'s strides.
    /// </summary>
    public static void AddQuantized(Index1D i, ArrayView<byte> a, ArrayView<byte> b, ArrayView<byte> c, FloatKernels.Broadcast4 shape, AddParameters p)
    {
        int i3 = i % shape.D3, rest = i / shape.D3;
        int i2 = rest % shape.D2;
        rest /= shape.D2;
        int i1 = rest % shape.D1, i0 = rest / shape.D1;
        float fa = Int8Math.Multiply((float)(Int8Math.Widen(a[i0 * shape.A0 + i1 * shape.A1 + i2 * shape.A2 + i3 * shape.A3], p.Signed) - p.AZero), p.AScale);
        float fb = Int8Math.Multiply((float)(Int8Math.Widen(b[i0 * shape.B0 + i1 * shape.B1 + i2 * shape.B2 + i3 * shape.B3], p.Signed) - p.BZero), p.BScale);
        c[i] = Int8Math.Quantize((fa + fb) / p.CScale, p.CZero, p.Signed);
    }

    /// <summary>
    /// DynamicQuantizeLinear's parameters in one group: min and max over x widened to include 0,
    /// scale = (max − min) / 255 (1 when equal), zero point = roundEven(clamp(0 − min / scale, 0, 255)).
    /// Writes the scale, the zero point as int (for the quantize kernel) and as the uint8 output.
    /// </summary>
    public static void DynamicParameters(ArrayView<float> x, ArrayView<float> scale, ArrayView<int> zeroPoint, ArrayView<byte> zeroPointByte, int length)
    {
        var mins = SharedMemory.Allocate<float>(MaxReductionGroup);
        var maxs = SharedMemory.Allocate<float>(MaxReductionGroup);
        int t = Group.IdxX;
        float min = 0f, max = 0f;
        for (int j = t; j < length; j += Group.DimX)
        {
            float v = x[j];
            min = v < min ? v : min;
            max = v > max ? v : max;
        }
        mins[t] = min;
        maxs[t] = max;
        Group.Barrier();
        if (t == 0)
        {
            for (int j = 1; j < Group.DimX; j++)
            {
                min = mins[j] < min ? mins[j] : min;
                max = maxs[j] > max ? maxs[j] : max;
            }
            float s = max == min ? 1.0f : (max - min) / 255f;
            float initial = 0 - min / s;
            float clamped = initial < 255f ? initial : 255f;
            clamped = clamped > 0f ? clamped : 0f;
            int zero = Int8Math.RoundHalfEven(clamped);
            scale[0] = s;
            zeroPoint[0] = zero;
            zeroPointByte[0] = (byte)zero;
        }
    }
}

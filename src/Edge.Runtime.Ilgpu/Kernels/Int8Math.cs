using ILGPU.Runtime.Cuda;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>
/// Device-side quantization arithmetic with exactly the float operations of the CPU backend's
/// requantizer (MLAS's order): clamp in float to [qmin − zp, qmax − zp] (NaN becomes the lower bound),
/// round half to even, add the zero point. Written with plain comparisons and integer conversions so
/// every ILGPU backend compiles it to the same IEEE operations.
/// </summary>
internal static class Int8Math
{
    /// <summary>saturate(roundEven(<paramref name="scaled"/>) + zeroPoint) as a byte (int8 two's complement when signed ≠ 0).</summary>
    public static byte Quantize(float scaled, int zeroPoint, int signed)
    {
        float lo = signed != 0 ? -128 - zeroPoint : 0 - zeroPoint;
        float hi = signed != 0 ? 127 - zeroPoint : 255 - zeroPoint;
        float v = scaled > lo ? scaled : lo;
        v = v < hi ? v : hi;
        return (byte)(RoundHalfEven(v) + zeroPoint);
    }

    /// <summary>Round half to even for |v| &lt; 2²³ (values here are clamped to ±255): v − trunc(v) is exact there.</summary>
    public static int RoundHalfEven(float v)
    {
        int truncated = (int)v;
        float fraction = v - truncated;
        if (fraction > 0.5f)
            return truncated + 1;
        if (fraction < -0.5f)
            return truncated - 1;
        if (fraction == 0.5f)
            return truncated + (truncated & 1);
        if (fraction == -0.5f)
            return truncated - (truncated & 1);
        return truncated;
    }

    /// <summary>
    /// a · b rounded on its own. ILGPU's PTX has a plain mul.f32, which ptxas may fuse with a following add
    /// into one fma (one rounding instead of two): mul.rn is never fused, so the CPU's result is kept.
    /// </summary>
    public static float Multiply(float a, float b)
    {
        if (!CudaAsm.IsSupported)
            return a * b;
        CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float product, a, b);
        return product;
    }

    /// <summary>A stored byte as its integer value.</summary>
    /// <remarks>
    /// Sign extension by integer arithmetic, not an (sbyte) cast: with the cast chain byte → sbyte → int,
    /// ILGPU 1.5.3's OpenCL kernels gave wrong int8 sums on PoCL 6 (the OpenCL parity tests caught it).
    /// </remarks>
    public static int Widen(byte value, int signed) => signed != 0 ? (value ^ 0x80) - 0x80 : value;

    /// <summary>Byte <paramref name="index"/> (0..3) of a packed word as its integer value.</summary>
    public static int Lane(int word, int index, int signed)
    {
        int lane = (word >> (8 * index)) & 0xFF;
        return signed != 0 ? (lane ^ 0x80) - 0x80 : lane;
    }
}

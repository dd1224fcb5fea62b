using System.Runtime.Intrinsics;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// int32 accumulators to float as MLAS's MLAS_QGEMM_SCALE_BIAS_OUTPUT_PROCESSOR does:
/// y = float(acc) · scale, then + bias (a separate multiply and add, no fused multiply-add).
/// </summary>
internal static class ScaleBiasOutput
{
    /// <param name="scale">One value, or one per column.</param>
    /// <param name="bias">Empty, or one per column.</param>
    public static void Apply(ReadOnlySpan<int> acc, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> output)
    {
        int n = acc.Length, i = 0;
        bool perColumn = scale.Length > 1, hasBias = bias.Length > 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var vScale = Vector256.Create(scale[0]);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.ConvertToSingle(Vector256.Create(acc.Slice(i, 8))) * (perColumn ? Vector256.Create(scale.Slice(i, 8)) : vScale);
                if (hasBias)
                    v += Vector256.Create(bias.Slice(i, 8));
                v.CopyTo(output.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float v = (float)acc[i] * (perColumn ? scale[i] : scale[0]);
            output[i] = hasBias ? v + bias[i] : v;
        }
    }
}

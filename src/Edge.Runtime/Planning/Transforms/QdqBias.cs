using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>The int32 bias an int8 Conv/Gemm needs, from a DQ(int32) bias or by quantizing a float one at scale x_scale·w_scale.</summary>
internal static class QdqBias
{
    /// <returns>The int32 bias value name; null when absent or not convertible.</returns>
    public static string? Resolve(Graph graph, string biasValue, Tensor xScale, Tensor wScale, int channels)
    {
        if (biasValue.Length == 0)
            return null;
        if (DequantizeInput.Match(graph, biasValue) is { } dq
            && GraphPatterns.Constant(graph, dq.Quantized) is { Type: DataType.Int32 } quantized
            && dq.ZeroPointValue is { } zp && zp.ToInt64Array().All(v => v == 0)
            && dq.ScaleValue is { } scale && MatchesProductScale(scale, xScale, wScale, channels))
            return dq.Quantized;
        if (GraphPatterns.Constant(graph, biasValue) is { Type: DataType.Float32 } floatBias && floatBias.ElementCount == channels)
        {
            var b = floatBias.AsSpan<float>();
            var q = Tensor.Allocate(DataType.Int32, new TensorShape(channels));
            var qs = q.AsSpan<int>();
            float xs = xScale.AsSpan<float>()[0];
            var ws = wScale.AsSpan<float>();
            for (int c = 0; c < channels; c++)
            {
                double v = Math.Round(b[c] / ((double)xs * ws[ws.Length == 1 ? 0 : c]), MidpointRounding.ToEven);
                qs[c] = (int)Math.Clamp(v, int.MinValue, int.MaxValue);
            }
            return GraphPatterns.AddInitializer(graph, biasValue + "_int32", q);
        }
        return null;
    }

    // The int8 kernels add the bias in the accumulator's scale; a bias quantized at another scale
    // cannot be added exactly, so the fusion is skipped then.
    private static bool MatchesProductScale(Tensor biasScale, Tensor xScale, Tensor wScale, int channels)
    {
        var bs = biasScale.AsSpan<float>();
        var ws = wScale.AsSpan<float>();
        float xs = xScale.AsSpan<float>()[0];
        for (int c = 0; c < channels; c++)
        {
            float expected = xs * ws[ws.Length == 1 ? 0 : c];
            float actual = bs[bs.Length == 1 ? 0 : c];
            if (Math.Abs(actual - expected) > 1e-6f * Math.Abs(expected))
                return false;
        }
        return true;
    }
}

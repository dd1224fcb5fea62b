namespace Edge.Benchmarks.Models;

/// <summary>Deterministic random weights and the int8 quantisation the generators share.</summary>
internal static class Weights
{
    /// <summary>Uniform in [-limit, limit); a fixed seed per tensor keeps cached models reproducible.</summary>
    public static float[] Uniform(Random rng, int count, float limit)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(rng.NextDouble() * 2 - 1) * limit;
        return values;
    }

    /// <summary>He-style limit so activations keep a plausible range through deep stacks.</summary>
    public static float[] He(Random rng, int count, int fanIn) => Uniform(rng, count, MathF.Sqrt(6f / fanIn));

    /// <summary>Symmetric per-tensor int8 (what ORT's quantize_dynamic does for weights).</summary>
    public static (sbyte[] Values, float Scale) QuantizePerTensor(float[] w)
    {
        float max = 0;
        foreach (float v in w) max = Math.Max(max, Math.Abs(v));
        float scale = max > 0 ? max / 127f : 1f;
        var q = new sbyte[w.Length];
        for (int i = 0; i < w.Length; i++)
            q[i] = (sbyte)Math.Clamp(MathF.Round(w[i] / scale), -127, 127);
        return (q, scale);
    }

    /// <summary>Symmetric int8 per output channel (axis 0 of a [Cout, ...] weight).</summary>
    public static (sbyte[] Values, float[] Scales) QuantizePerChannel(float[] w, int channels)
    {
        int per = w.Length / channels;
        var q = new sbyte[w.Length];
        var scales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            float max = 0;
            for (int i = 0; i < per; i++) max = Math.Max(max, Math.Abs(w[c * per + i]));
            float scale = max > 0 ? max / 127f : 1f;
            scales[c] = scale;
            for (int i = 0; i < per; i++)
                q[c * per + i] = (sbyte)Math.Clamp(MathF.Round(w[c * per + i] / scale), -127, 127);
        }
        return (q, scales);
    }
}

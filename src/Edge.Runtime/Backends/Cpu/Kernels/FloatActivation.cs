namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>An activation a float kernel applies to its results before storing them: none, Relu or Clip(min, max).</summary>
public readonly record struct FloatActivation(FloatActivationKind Kind, float Min, float Max)
{
    public static FloatActivation None => new(FloatActivationKind.None, float.NegativeInfinity, float.PositiveInfinity);

    public static FloatActivation Relu => new(FloatActivationKind.Clip, 0f, float.PositiveInfinity);

    public static FloatActivation Clip(float min, float max) => new(FloatActivationKind.Clip, min, max);

    public bool IsNone => Kind == FloatActivationKind.None;

    public float Apply(float value) => Kind == FloatActivationKind.None ? value : Math.Min(Math.Max(value, Min), Max);

    /// <summary>Applies the activation in place.</summary>
    public void Apply(Span<float> values)
    {
        if (Kind == FloatActivationKind.None)
            return;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && values.Length >= System.Numerics.Vector<float>.Count)
        {
            var lo = new System.Numerics.Vector<float>(Min);
            var hi = new System.Numerics.Vector<float>(Max);
            int w = System.Numerics.Vector<float>.Count;
            for (; i <= values.Length - w; i += w)
            {
                var v = new System.Numerics.Vector<float>(values.Slice(i, w));
                System.Numerics.Vector.Min(System.Numerics.Vector.Max(v, lo), hi).CopyTo(values.Slice(i, w));
            }
        }
        for (; i < values.Length; i++)
            values[i] = Math.Min(Math.Max(values[i], Min), Max);
    }
}

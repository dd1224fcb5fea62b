namespace Edge.Benchmarks.Models;

/// <summary>Per-tensor uint8 activation quantisation from a calibrated range (range always includes 0).</summary>
internal readonly record struct QuantParams(float Scale, byte ZeroPoint)
{
    public static QuantParams FromRange(float min, float max)
    {
        min = Math.Min(min, 0);
        max = Math.Max(max, 0);
        float scale = max > min ? (max - min) / 255f : 1f;
        return new QuantParams(scale, (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255));
    }
}

namespace Edge.Quantization.Reporting;

/// <summary>Counts of a layer's weights before (float) and after quantization (dequantized) over the same equal-width bins.</summary>
public sealed record WeightHistogram(double Min, double Max, IReadOnlyList<int> Before, IReadOnlyList<int> After)
{
    /// <summary>Both histograms over [min, max] of the two value sets together.</summary>
    public static WeightHistogram Of(ReadOnlySpan<float> before, ReadOnlySpan<float> after, int bins)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in before) { min = Math.Min(min, v); max = Math.Max(max, v); }
        foreach (float v in after) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (!(max > min))
        {
            min -= 0.5;
            max += 0.5;
        }
        return new WeightHistogram(min, max, Count(before, min, max, bins), Count(after, min, max, bins));
    }

    private static int[] Count(ReadOnlySpan<float> values, double min, double max, int bins)
    {
        var counts = new int[bins];
        double width = (max - min) / bins;
        foreach (float v in values)
            counts[Math.Clamp((int)((v - min) / width), 0, bins - 1)]++;
        return counts;
    }
}

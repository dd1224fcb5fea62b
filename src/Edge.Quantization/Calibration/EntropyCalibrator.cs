namespace Edge.Quantization.Calibration;

/// <summary>
/// The KL-divergence threshold search TensorRT introduced for int8: over a histogram of |x|, try
/// every clipping threshold, fold the clipped tail into the last bin (P), squeeze P into
/// <see cref="QuantizedBins"/> levels and spread it back (Q), and keep the threshold whose Q loses
/// the least information, KL(P‖Q). The range is [−t, t] cut to the values actually seen.
/// </summary>
public sealed class EntropyCalibrator : ICalibrator
{
    /// <summary>Levels per sign of an 8-bit quantizer.</summary>
    public const int QuantizedBins = 128;

    private readonly Histogram _histogram = new();

    public void Collect(ReadOnlySpan<float> values) => _histogram.Add(values);

    public ValueRange ComputeRange()
    {
        var h = _histogram;
        if (h.Count == h.Zeros)
            return new ValueRange(Math.Min(h.Min, 0), Math.Max(h.Max, 0));
        var magnitude = new double[Histogram.BinCount];
        for (int i = 0; i < magnitude.Length; i++)
            magnitude[i] = h.Negative[i] + h.Positive[i];

        int bestBins = Histogram.BinCount;
        double bestDivergence = double.PositiveInfinity;
        double tail = 0;
        for (int i = Histogram.BinCount - 1; i >= QuantizedBins; i--)
            tail += magnitude[i];
        // tail now holds the counts from QuantizedBins on; it shrinks as the threshold grows.
        for (int bins = QuantizedBins; bins <= Histogram.BinCount; bins++)
        {
            double divergence = Divergence(magnitude, bins, tail);
            if (divergence < bestDivergence)
            {
                bestDivergence = divergence;
                bestBins = bins;
            }
            if (bins < Histogram.BinCount)
                tail -= magnitude[bins];
        }
        float threshold = bestBins * h.BinWidth;
        return new ValueRange(Math.Max(h.Min, -threshold), Math.Min(h.Max, threshold));
    }

    /// <summary>KL(P‖Q) for clipping after <paramref name="bins"/> bins; <paramref name="clipped"/> counts the values beyond.</summary>
    private static double Divergence(double[] magnitude, int bins, double clipped)
    {
        var reference = new double[bins];
        Array.Copy(magnitude, reference, bins);
        reference[bins - 1] += clipped;

        var expanded = new double[bins];
        int perLevel = bins / QuantizedBins;
        for (int level = 0; level < QuantizedBins; level++)
        {
            int start = level * perLevel;
            int stop = level == QuantizedBins - 1 ? bins : start + perLevel;
            double sum = 0;
            int nonZero = 0;
            for (int j = start; j < stop; j++)
            {
                sum += magnitude[j];
                if (reference[j] != 0) nonZero++;
            }
            if (nonZero == 0)
                continue;
            for (int j = start; j < stop; j++)
                if (reference[j] != 0)
                    expanded[j] = sum / nonZero;
        }

        double pTotal = reference.Sum(), qTotal = expanded.Sum();
        if (pTotal == 0)
            return double.PositiveInfinity;
        double divergence = 0;
        for (int j = 0; j < bins; j++)
        {
            if (reference[j] == 0)
                continue;
            double p = reference[j] / pTotal;
            // A level the clipped histogram fills but Q leaves empty: a large, finite penalty.
            double q = qTotal > 0 && expanded[j] > 0 ? expanded[j] / qTotal : 1e-12;
            divergence += p * Math.Log(p / q);
        }
        return divergence;
    }
}

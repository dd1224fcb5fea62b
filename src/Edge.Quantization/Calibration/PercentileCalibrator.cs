namespace Edge.Quantization.Calibration;

/// <summary>
/// Keeps the central <c>percentile</c>% of the values: the range runs from the (100 − p)/2-th to the
/// (100 + p)/2-th percentile of the distribution (bin resolution), so rare outliers are clipped
/// instead of stretching the step for everything else.
/// </summary>
public sealed class PercentileCalibrator : ICalibrator
{
    private readonly Histogram _histogram = new();
    private readonly double _percentile;

    public PercentileCalibrator(double percentile)
    {
        if (!(percentile > 0 && percentile <= 100))
            throw new QuantizationException($"--percentile must be in (0, 100], got {percentile}");
        _percentile = percentile;
    }

    public void Collect(ReadOnlySpan<float> values) => _histogram.Add(values);

    public ValueRange ComputeRange()
    {
        var h = _histogram;
        if (h.Count == 0)
            return new ValueRange(0, 0);
        double tail = (100 - _percentile) / 200 * h.Count;
        // Walk the signed distribution from the most negative bin upwards.
        float low = h.Min, high = h.Max;
        double seen = 0;
        bool lowFound = false;
        for (int step = 0; step < 2 * Histogram.BinCount; step++)
        {
            bool negative = step < Histogram.BinCount;
            int bin = negative ? Histogram.BinCount - 1 - step : step - Histogram.BinCount;
            long count = negative ? h.Negative[bin] : h.Positive[bin] + (bin == 0 ? h.Zeros : 0);
            if (count == 0)
                continue;
            seen += count;
            if (!lowFound && seen > tail)
            {
                low = negative ? -(bin + 1) * h.BinWidth : bin * h.BinWidth;
                lowFound = true;
            }
            if (seen >= h.Count - tail)
            {
                high = negative ? -bin * h.BinWidth : (bin + 1) * h.BinWidth;
                break;
            }
        }
        return new ValueRange(Math.Max(low, h.Min), Math.Min(high, h.Max));
    }
}

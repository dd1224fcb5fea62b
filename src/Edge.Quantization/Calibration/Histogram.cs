namespace Edge.Quantization.Calibration;

/// <summary>
/// Counts of |value| in <see cref="BinCount"/> equal bins over [0, Limit], kept apart for negative
/// and non-negative values. When a value beyond the limit arrives the limit doubles and pairs of
/// bins merge, so memory stays fixed however many batches come. Exact zeros (the Relu floor) are
/// counted apart in <see cref="Zeros"/>: every range holds 0 exactly, so they say nothing about
/// where to clip. NaN and infinities are ignored.
/// </summary>
internal sealed class Histogram
{
    public const int BinCount = 2048;

    public long[] Negative { get; } = new long[BinCount];

    public long[] Positive { get; } = new long[BinCount];

    public float Limit { get; private set; }

    public float Min { get; private set; } = float.PositiveInfinity;

    public float Max { get; private set; } = float.NegativeInfinity;

    public long Count { get; private set; }

    public long Zeros { get; private set; }

    public float BinWidth => Limit / BinCount;

    public void Add(ReadOnlySpan<float> values)
    {
        float peak = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
                continue;
            peak = Math.Max(peak, Math.Abs(v));
            Min = Math.Min(Min, v);
            Max = Math.Max(Max, v);
        }
        if (Limit == 0)
            Limit = peak;
        while (peak > Limit)
            Widen();
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
                continue;
            Count++;
            if (v == 0)
            {
                Zeros++;
                continue;
            }
            int bin = Limit == 0 ? 0 : Math.Min((int)(Math.Abs(v) / Limit * BinCount), BinCount - 1);
            (v < 0 ? Negative : Positive)[bin]++;
        }
    }

    private void Widen()
    {
        foreach (var bins in new[] { Negative, Positive })
        {
            for (int i = 0; i < BinCount / 2; i++)
                bins[i] = bins[2 * i] + bins[2 * i + 1];
            Array.Clear(bins, BinCount / 2, BinCount / 2);
        }
        Limit *= 2;
    }
}

using Edge.Quantization.Calibration;

namespace Edge.Quantization.Tests.Calibration;

public sealed class CalibratorTests
{
    /// <summary>A deterministic bell-shaped sample (sum of uniforms) with one far outlier.</summary>
    private static float[] BellWithOutlier(int count, float outlier)
    {
        var random = new Random(7);
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5);
        values[count / 2] = outlier;
        return values;
    }

    [Fact]
    public void MinMaxSpansEveryBatch()
    {
        var calibrator = new MinMaxCalibrator();
        calibrator.Collect([0.5f, 2f]);
        calibrator.Collect([-1f, 0.25f]);

        Assert.Equal(new ValueRange(-1f, 2f), calibrator.ComputeRange());
    }

    [Fact]
    public void PercentileClipsARareOutlier()
    {
        var calibrator = new PercentileCalibrator(99.9);
        calibrator.Collect(BellWithOutlier(100_000, 50f));

        var range = calibrator.ComputeRange();
        Assert.InRange(range.Max, 1.0f, 1.6f);
        Assert.InRange(range.Min, -1.6f, -1.0f);
    }

    [Fact]
    public void PercentileOfOneHundredKeepsTheExtremes()
    {
        var calibrator = new PercentileCalibrator(100);
        var values = BellWithOutlier(10_000, 50f);
        calibrator.Collect(values);

        var range = calibrator.ComputeRange();
        Assert.Equal(50f, range.Max);
        Assert.Equal(values.Min(), range.Min);
    }

    [Fact]
    public void EntropyClipsAFarOutlierButKeepsTheBulk()
    {
        var calibrator = new EntropyCalibrator();
        // Batches that widen the histogram after the first one.
        var values = BellWithOutlier(100_000, 50f);
        calibrator.Collect(values.AsSpan(0, 1000));
        calibrator.Collect(values.AsSpan(1000));

        var range = calibrator.ComputeRange();
        Assert.InRange(range.Max, 0.8f, 10f);
        Assert.InRange(range.Min, -1.5f, -0.8f);
    }

    [Fact]
    public void EntropyIgnoresTheReluFloor()
    {
        // Post-Relu data: most values exactly 0, the rest spread up to 4.
        var calibrator = new EntropyCalibrator();
        var values = new float[20_000];
        var random = new Random(3);
        for (int i = 0; i < values.Length; i += 2)
            values[i] = (float)(random.NextDouble() * 4);
        calibrator.Collect(values);

        var range = calibrator.ComputeRange();
        Assert.Equal(0f, range.Min);
        Assert.InRange(range.Max, 3.5f, 4f);
    }

    [Fact]
    public void PercentileOutsideItsDomainIsRejected()
    {
        var error = Assert.Throws<QuantizationException>(() => new PercentileCalibrator(0));
        Assert.Contains("--percentile", error.Message);
    }

    [Fact]
    public void HistogramCalibratorsSurviveZeroBatchesAndNonFiniteValues()
    {
        foreach (var calibrator in new ICalibrator[] { new EntropyCalibrator(), new PercentileCalibrator(99.99), new MinMaxCalibrator() })
        {
            calibrator.Collect(new float[64]);
            calibrator.Collect([float.PositiveInfinity, float.NaN, 2f, 0.5f, -1f]);

            var range = calibrator.ComputeRange();
            Assert.True(range.Min >= -1f && range.Max <= 2f && range.Max > 0, $"{calibrator.GetType().Name}: {range}");
        }
    }
}

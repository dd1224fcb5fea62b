namespace Edge.Quantization.Calibration;

/// <summary>The smallest and largest finite value seen: nothing is clipped, outliers widen the step.</summary>
public sealed class MinMaxCalibrator : ICalibrator
{
    private float _min = float.PositiveInfinity;
    private float _max = float.NegativeInfinity;

    public void Collect(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
                continue;
            if (v < _min) _min = v;
            if (v > _max) _max = v;
        }
    }

    public ValueRange ComputeRange() => _min <= _max ? new ValueRange(_min, _max) : new ValueRange(0, 0);
}

namespace Edge.Quantization.Calibration;

/// <summary>Creates one calibrator per observed tensor for a <see cref="CalibrationMethod"/>.</summary>
public static class CalibratorFactory
{
    public static ICalibrator Create(CalibrationMethod method, double percentile) => method switch
    {
        CalibrationMethod.MinMax => new MinMaxCalibrator(),
        CalibrationMethod.Percentile => new PercentileCalibrator(percentile),
        CalibrationMethod.Entropy => new EntropyCalibrator(),
        _ => throw new QuantizationException($"unknown calibration method {method}"),
    };
}

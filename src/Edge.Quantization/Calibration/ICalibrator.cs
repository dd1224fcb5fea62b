namespace Edge.Quantization.Calibration;

/// <summary>Watches one tensor's values over the calibration batches and picks its quantization range.</summary>
public interface ICalibrator
{
    /// <summary>Adds one batch's values of the tensor.</summary>
    void Collect(ReadOnlySpan<float> values);

    /// <summary>The range chosen from everything collected so far.</summary>
    ValueRange ComputeRange();
}

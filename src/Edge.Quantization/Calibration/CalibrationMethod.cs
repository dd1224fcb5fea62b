namespace Edge.Quantization.Calibration;

/// <summary>How an activation's range is chosen from the values seen during calibration.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,

    /// <summary>The values at a percentile of the distribution (and its mirror), ignoring outliers.</summary>
    Percentile,

    /// <summary>The clipping threshold that minimises the KL divergence between the histogram and its 8-bit quantization.</summary>
    Entropy,
}

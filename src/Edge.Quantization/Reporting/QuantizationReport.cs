namespace Edge.Quantization.Reporting;

/// <summary>
/// What quantization did to a model, layer by layer: weights before and after, scales, output SQNR
/// on calibration data, which layers dominate the error, and sizes. Render it with <see cref="QuantizationReportHtml"/>.
/// SQNRs are +∞ where the quantized reading is exact.
/// </summary>
public sealed record QuantizationReport
{
    /// <summary>Names shown for the two models (file names, usually).</summary>
    public required string Fp32Model { get; init; }

    public required string QuantizedModel { get; init; }

    public required ModelSizes Sizes { get; init; }

    public required int CalibrationSamples { get; init; }

    /// <summary>Matched layers in the quantized model's topological order.</summary>
    public required IReadOnlyList<LayerReport> Layers { get; init; }

    public required IReadOnlyList<OutputReport> Outputs { get; init; }

    /// <summary>Things the reader should know: layers only one model has, values that could not be read.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>Layers by the error they add, largest first (ties: lower output SQNR first).</summary>
    public IReadOnlyList<LayerReport> LayersByError =>
        Layers.OrderByDescending(l => l.ErrorContribution).ThenBy(l => l.OutputSqnrDb).ToList();
}

namespace Edge.Quantization.Reporting;

/// <summary>A model output, fp32 against quantized, over the calibration set.</summary>
/// <param name="Top1Agreement">For [batch, classes] outputs: how often both argmaxes agree; otherwise null.</param>
public sealed record OutputReport(string Name, string QuantizedName, double SqnrDb, double? Top1Agreement);

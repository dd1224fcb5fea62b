namespace Edge.Quantization.Calibration;

/// <summary>The range of real values an activation is quantized over.</summary>
public readonly record struct ValueRange(float Min, float Max);

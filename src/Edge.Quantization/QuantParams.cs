namespace Edge.Quantization;

/// <summary>Per-tensor affine quantization: real = (q - ZeroPoint) · Scale.</summary>
internal readonly record struct QuantParams(float Scale, int ZeroPoint, ActivationType Type);

namespace Edge.Quantization;

/// <summary>The 8-bit type activations are quantized to (asymmetric, zero point from the calibrated range).</summary>
public enum ActivationType
{
    UInt8,
    Int8,
}

namespace Edge.Quantization;

/// <summary>When activations are quantized.</summary>
public enum QuantizationMode
{
    /// <summary>Weights int8 ahead of time; activations quantized per inference (DynamicQuantizeLinear → MatMulInteger).</summary>
    Dynamic,

    /// <summary>Weights and activations int8; activation ranges from calibration.</summary>
    Static,
}

namespace Edge.Quantization.Reporting;

/// <summary>Serialized model sizes and the bytes of the matched layers' weights (with their scales and zero points).</summary>
public sealed record ModelSizes(long Fp32Bytes, long QuantizedBytes, long Fp32WeightBytes, long QuantizedWeightBytes)
{
    /// <summary>Quantized size over fp32 size.</summary>
    public double Ratio => Fp32Bytes == 0 ? 0 : (double)QuantizedBytes / Fp32Bytes;

    public double WeightRatio => Fp32WeightBytes == 0 ? 0 : (double)QuantizedWeightBytes / Fp32WeightBytes;
}

namespace Edge.Quantization;

/// <summary>How a statically quantized model is written.</summary>
public enum QuantizationFormat
{
    /// <summary>QuantizeLinear/DequantizeLinear pairs around float ops (runtimes fuse them into int8 kernels).</summary>
    Qdq,

    /// <summary>Explicit int8 operators: QLinearConv, QLinearMatMul, com.microsoft QGemm.</summary>
    QOperator,
}

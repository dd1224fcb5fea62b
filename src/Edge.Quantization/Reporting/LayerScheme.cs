namespace Edge.Quantization.Reporting;

/// <summary>How a weight-bearing layer is stored in a model.</summary>
public enum LayerScheme
{
    /// <summary>Float weights (an fp32 model, or a layer a quantizer left in float).</summary>
    Float,

    /// <summary>Int8 weights behind DequantizeLinear; activations through QuantizeLinear → DequantizeLinear.</summary>
    Qdq,

    /// <summary>Int8 weights, activations quantized at run time (DynamicQuantizeLinear → MatMulInteger).</summary>
    Dynamic,

    /// <summary>Quantized operators (QLinearConv, QLinearMatMul, QGemm) with int8 weights and output scales.</summary>
    QOperator,
}

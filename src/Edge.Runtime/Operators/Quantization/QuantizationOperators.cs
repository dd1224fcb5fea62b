namespace Edge.Runtime.Operators.Quantization;

/// <summary>Registers the Quantization operators, one line each.</summary>
internal static class QuantizationOperators
{
    public static void Register(OperatorRegistry registry)
    {
        registry.Add(new QuantizeLinearOperator());
        registry.Add(new DequantizeLinearOperator());
        registry.Add(new DynamicQuantizeLinearOperator());
        registry.Add(new MatMulIntegerOperator());
        registry.Add(new QLinearMatMulOperator());
        registry.Add(new ConvIntegerOperator());
        registry.Add(new QLinearConvOperator());
        registry.Add(new QLinearAddOperator());
        registry.Add(new QLinearMulOperator());
        registry.Add(new QLinearGlobalAveragePoolOperator());
        registry.Add(new QLinearConcatOperator());
        registry.Add(new QGemmOperator());
        registry.Add(new MatMulIntegerToFloatOperator());
        registry.Add(new DynamicQuantizeMatMulOperator());
    }
}

namespace Edge.Runtime.Operators.NN;

/// <summary>Registers the NN operators, one line each.</summary>
internal static class NNOperators
{
    public static void Register(OperatorRegistry registry)
    {
        registry.Add(new ConvOperator());
        registry.Add(new GemmOperator());
        registry.Add(new MatMulOperator());
        registry.Add(new MaxPoolOperator());
        registry.Add(new AveragePoolOperator());
        registry.Add(new GlobalAveragePoolOperator());
        registry.Add(new BatchNormalizationOperator());
        registry.Add(new LayerNormalizationOperator());
        registry.Add(new SoftmaxOperator());
        registry.Add(new LogSoftmaxOperator());
    }
}

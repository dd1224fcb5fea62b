namespace Edge.Runtime.Operators;

/// <summary>The operator categories, each registering its own ops one line apiece.</summary>
internal static class OperatorCategories
{
    public static void RegisterAll(OperatorRegistry registry)
    {
        Layout.LayoutOperators.Register(registry);
        Elementwise.ElementwiseOperators.Register(registry);
        NN.NNOperators.Register(registry);
        Reduction.ReductionOperators.Register(registry);
        Recurrent.RecurrentOperators.Register(registry);
        Quantization.QuantizationOperators.Register(registry);
    }
}

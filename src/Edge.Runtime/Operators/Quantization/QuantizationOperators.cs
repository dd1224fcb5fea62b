namespace Edge.Runtime.Operators.Quantization;

/// <summary>Registers the Quantization operators, one line each.</summary>
internal static class QuantizationOperators
{
    public static void Register(OperatorRegistry registry)
    {
    }
}

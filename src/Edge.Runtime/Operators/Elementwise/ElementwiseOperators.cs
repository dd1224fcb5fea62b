namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Registers the Elementwise operators, one line each.</summary>
internal static class ElementwiseOperators
{
    public static void Register(OperatorRegistry registry)
    {
    }
}

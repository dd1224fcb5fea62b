namespace Edge.Runtime.Operators.Reduction;

/// <summary>Registers the Reduction operators, one line each.</summary>
internal static class ReductionOperators
{
    public static void Register(OperatorRegistry registry)
    {
    }
}

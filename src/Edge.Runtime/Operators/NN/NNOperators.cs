namespace Edge.Runtime.Operators.NN;

/// <summary>Registers the NN operators, one line each.</summary>
internal static class NNOperators
{
    public static void Register(OperatorRegistry registry)
    {
    }
}

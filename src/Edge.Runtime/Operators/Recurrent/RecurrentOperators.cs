namespace Edge.Runtime.Operators.Recurrent;

/// <summary>Registers the Recurrent operators, one line each.</summary>
internal static class RecurrentOperators
{
    public static void Register(OperatorRegistry registry)
    {
        registry.Add(new LstmOperator());
        registry.Add(new GruOperator());
    }
}

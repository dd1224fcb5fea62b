namespace Edge.Runtime.Operators.Layout;

/// <summary>Registers the Layout operators, one line each.</summary>
internal static class LayoutOperators
{
    public static void Register(OperatorRegistry registry)
    {
        registry.Add(new IdentityOperator());
    }
}

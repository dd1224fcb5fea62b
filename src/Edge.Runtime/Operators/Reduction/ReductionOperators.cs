namespace Edge.Runtime.Operators.Reduction;

/// <summary>Registers the Reduction operators, one line each.</summary>
internal static class ReductionOperators
{
    public static void Register(OperatorRegistry registry)
    {
        registry.Add(new ReduceSumOperator());
        registry.Add(new ReduceMeanOperator());
        registry.Add(new ReduceMaxOperator());
        registry.Add(new ReduceMinOperator());
        registry.Add(new ReduceProdOperator());
    }
}

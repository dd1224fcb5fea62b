namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Registers the Elementwise operators, one line each.</summary>
internal static class ElementwiseOperators
{
    public static void Register(OperatorRegistry registry)
    {
        registry.Add(new AddOperator());
        registry.Add(new SubOperator());
        registry.Add(new MulOperator());
        registry.Add(new DivOperator());
        registry.Add(new PowOperator());
        registry.Add(new SqrtOperator());
        registry.Add(new ErfOperator());
        registry.Add(new MaxOperator());
        registry.Add(new MinOperator());
        registry.Add(new ReluOperator());
        registry.Add(new LeakyReluOperator());
        registry.Add(new ClipOperator());
        registry.Add(new SigmoidOperator());
        registry.Add(new TanhOperator());
        registry.Add(new GeluOperator());
        registry.Add(new WhereOperator());
    }
}

namespace Edge.Runtime.Operators.Layout;

/// <summary>Registers the Layout operators, one line each.</summary>
internal static class LayoutOperators
{
    public static void Register(OperatorRegistry registry)
    {
        registry.Add(new IdentityOperator());
        registry.Add(new ReshapeOperator());
        registry.Add(new TransposeOperator());
        registry.Add(new ConcatOperator());
        registry.Add(new SplitOperator());
        registry.Add(new SliceOperator());
        registry.Add(new GatherOperator());
        registry.Add(new SqueezeOperator());
        registry.Add(new UnsqueezeOperator());
        registry.Add(new ShapeOperator());
        registry.Add(new ConstantOfShapeOperator());
        registry.Add(new CastOperator());
        registry.Add(new ExpandOperator());
        registry.Add(new FlattenOperator());
    }
}

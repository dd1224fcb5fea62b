namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Gelu (ai.onnx opset 20): x·Φ(x) exactly through erf, or its tanh approximation when approximate = "tanh".</summary>
public sealed class GeluOperator : UnaryFloatOperator
{
    public override string OpType => "Gelu";

    public override int MinOpset => 20;

    public override void InferOutputs(NodeContext context)
    {
        base.InferOutputs(context);
        Approximate(context);
    }

    public override Kernel CreateKernel(NodeContext context) => Approximate(context)
        ? new UnaryFloatKernel<GeluTanhFunction>(default)
        : new UnaryFloatKernel<GeluErfFunction>(default);

    private static bool Approximate(NodeContext context) => context.Attributes.GetString("approximate", "none") switch
    {
        "none" => false,
        "tanh" => true,
        var other => throw context.Fail($"attribute 'approximate' is '{other}'; expected 'none' or 'tanh'"),
    };
}

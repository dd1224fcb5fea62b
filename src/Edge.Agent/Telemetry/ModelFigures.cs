using System.Runtime.CompilerServices;
using Edge.Agent.Inference;
using Edge.Runtime.Tensors;

namespace Edge.Agent.Telemetry;

/// <summary>
/// What one inference of a model costs, from the runtime's execution plan at the model's declared
/// input shapes (symbolic dimensions, e.g. batch, as 1). Computed once per loaded model.
/// </summary>
public sealed record ModelFigures(long WeightBytes, long ActivationBytes, long Operations, long Int8Operations, int Partitions)
{
    private static readonly ConditionalWeakTable<LoadedModel, ModelFigures?> Cache = [];

    /// <summary>Ops of the integer kernels (QLinear*, *Integer*, QGemm): they run at the int8 peak, the rest at the fp32 one.</summary>
    private static bool IsInt8(string opType) =>
        opType.StartsWith("QLinear", StringComparison.Ordinal)
        || opType is "MatMulInteger" or "ConvInteger" or "QGemm" or "DynamicQuantizeMatMul" or "MatMulIntegerToFloat";

    public long BytesMoved => WeightBytes + ActivationBytes;

    /// <summary>Operations per byte moved; null when nothing is moved.</summary>
    public double? ArithmeticIntensity => BytesMoved > 0 ? (double)Operations / BytesMoved : null;

    /// <summary>The figures of <paramref name="model"/>; null where an input has no declared shape.</summary>
    public static ModelFigures? Of(LoadedModel model) => Cache.GetValue(model, Compute);

    private static ModelFigures? Compute(LoadedModel model)
    {
        var inputs = model.Session.Inputs;
        if (!inputs.All(i => i.Dims is not null))
            return null;
        var plan = model.Session.GetPlan(inputs.Select(i => (i.Type, new TensorShape(i.Dims!.Select(d => d ?? 1).ToArray()))).ToList());
        long int8 = plan.Steps.Where(s => IsInt8(s.Node.OpType)).Sum(s => s.Operations);
        return new ModelFigures(plan.WeightBytes, plan.ActivationBytes, plan.Operations, int8, plan.Partitions);
    }
}

using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Reads the activation the planner's Conv/Gemm+Relu/Clip fusion records on a node:
/// <c>activation</c> = "Relu" | "Clip" and, for Clip, <c>activation_params</c> = [min, max].
/// </summary>
internal static class FusedActivationAttribute
{
    public const string Name = "activation";

    public const string ParamsName = "activation_params";

    public static FloatActivation Read(NodeContext context)
    {
        string kind = context.Attributes.GetString(Name, "");
        var parameters = context.Attributes.GetFloats(ParamsName);
        switch (kind)
        {
            case "":
                if (parameters is not null)
                    throw context.Fail($"attribute '{ParamsName}' is set without '{Name}'");
                return FloatActivation.None;
            case "Relu":
                if (parameters is { Length: > 0 })
                    throw context.Fail($"fused activation Relu takes no '{ParamsName}' (has {parameters.Length})");
                return FloatActivation.Relu;
            case "Clip":
                if (parameters is not { Length: 2 })
                    throw context.Fail($"fused activation Clip needs '{ParamsName}' = [min, max] (has {parameters?.Length ?? 0} values)");
                if (float.IsNaN(parameters[0]) || float.IsNaN(parameters[1]) || parameters[0] > parameters[1])
                    throw context.Fail($"fused activation Clip has min {parameters[0]} > max {parameters[1]}");
                return FloatActivation.Clip(parameters[0], parameters[1]);
            default:
                throw context.Fail($"attribute '{Name}' is '{kind}'; supported fused activations: Relu, Clip");
        }
    }
}

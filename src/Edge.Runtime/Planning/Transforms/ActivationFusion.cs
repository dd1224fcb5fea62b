using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// Float Conv/Gemm → Relu or Clip(constant bounds)  ⇒  the activation applied in the GEMM's epilogue,
/// recorded as the node attributes <c>activation</c> ("Relu"|"Clip") and <c>activation_params</c>.
/// Runs after the QDQ fusions so it never breaks a QDQ group.
/// </summary>
public sealed class ActivationFusion : IGraphTransform
{
    public const string ActivationAttribute = "activation";
    public const string ParamsAttribute = "activation_params";

    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var op in graph.Nodes.Where(n => (GraphPatterns.Is(n, "Conv") || GraphPatterns.Is(n, "Gemm")) && !n.Attributes.Contains(ActivationAttribute)).ToList())
        {
            var activation = GraphPatterns.SoleConsumer(graph, op.Outputs[0]);
            float[] parameters;
            if (GraphPatterns.Is(activation, "Relu"))
            {
                parameters = [];
            }
            else if (GraphPatterns.Is(activation, "Clip"))
            {
                var min = activation!.HasInput(1) ? GraphPatterns.Constant(graph, activation.Input(1)) : null;
                var max = activation.HasInput(2) ? GraphPatterns.Constant(graph, activation.Input(2)) : null;
                if ((activation.HasInput(1) && min is null) || (activation.HasInput(2) && max is null))
                    continue;
                parameters = [min?.AsSpan<float>()[0] ?? float.MinValue, max?.AsSpan<float>()[0] ?? float.MaxValue];
            }
            else
            {
                continue;
            }
            // The fused node must stay float: a Conv whose weights are still DQ'd is float too, so that is fine.
            op.Attributes.Set(ActivationAttribute, new AttributeValue(AttributeKind.String, String: activation!.OpType));
            op.Attributes.Set(ParamsAttribute, new AttributeValue(AttributeKind.Floats, Floats: parameters));
            op.Outputs[0] = activation.Outputs[0];
            graph.Nodes.Remove(activation);
            changed = true;
        }
        return changed;
    }
}

using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// The exact GELU as PyTorch and Hugging Face export it below opset 20,
/// <c>Erf(x / √2)</c> (or <c>x · 1/√2</c>) → <c>Add 1</c> → <c>Mul x</c> → <c>Mul 0.5</c> (or <c>x · 0.5</c> first),
/// ⇒ one Gelu node: five passes over the FFN's widest activation become one. Float results move by
/// a few ulps (the same function evaluated in a different order), well inside the float tolerance.
/// </summary>
public sealed class GeluFusion : IGraphTransform
{
    private const float Tolerance = 1e-5f;

    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var erf in graph.Nodes.Where(n => GraphPatterns.Is(n, "Erf")).ToList())
        {
            var scale = GraphPatterns.Producer(graph, erf.Input(0));
            if (scale is null || GraphPatterns.SoleConsumer(graph, scale.Outputs[0]) != erf || !IsScaleByInverseSqrt2(graph, scale, out string x))
                continue;
            var addOne = GraphPatterns.SoleConsumer(graph, erf.Outputs[0]);
            if (!GraphPatterns.Is(addOne, "Add") || !IsScalar(graph, Other(addOne!, erf.Outputs[0]), 1f))
                continue;
            var outer = GraphPatterns.SoleConsumer(graph, addOne!.Outputs[0]);
            if (!GraphPatterns.Is(outer, "Mul"))
                continue;
            string partner = Other(outer!, addOne.Outputs[0]);

            Node? half;
            string output;
            if (partner == x)
            {
                // 0.5 · (x · (1 + erf)): the half comes last.
                half = GraphPatterns.SoleConsumer(graph, outer!.Outputs[0]);
                if (!GraphPatterns.Is(half, "Mul") || !IsScalar(graph, Other(half!, outer.Outputs[0]), 0.5f))
                    continue;
                output = half!.Outputs[0];
            }
            else
            {
                // (x · 0.5) · (1 + erf): the half comes first.
                half = GraphPatterns.Producer(graph, partner);
                if (!GraphPatterns.Is(half, "Mul") || GraphPatterns.SoleConsumer(graph, partner) != outer)
                    continue;
                bool halfOfX = (half!.Input(0) == x && IsScalar(graph, half.Input(1), 0.5f)) || (half.Input(1) == x && IsScalar(graph, half.Input(0), 0.5f));
                if (!halfOfX)
                    continue;
                output = outer!.Outputs[0];
            }

            var gelu = new Node(erf.Name + "_gelu", "Gelu", "", [x], [output], opset: 20);
            QdqFusionEdits.Replace(graph, [scale, erf, addOne, outer, half], gelu);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }

    private static bool IsScaleByInverseSqrt2(Graph graph, Node scale, out string x)
    {
        x = scale.Input(0);
        if (GraphPatterns.Is(scale, "Div"))
            return IsScalar(graph, scale.Input(1), MathF.Sqrt(2f));
        if (!GraphPatterns.Is(scale, "Mul"))
            return false;
        if (IsScalar(graph, scale.Input(1), 1f / MathF.Sqrt(2f)))
            return true;
        x = scale.Input(1);
        return IsScalar(graph, scale.Input(0), 1f / MathF.Sqrt(2f));
    }

    private static string Other(Node binary, string known) => binary.Input(0) == known ? binary.Input(1) : binary.Input(0);

    private static bool IsScalar(Graph graph, string value, float expected) =>
        GraphPatterns.Constant(graph, value) is { Type: Tensors.DataType.Float32, ElementCount: 1 } constant
        && MathF.Abs(constant.AsSpan<float>()[0] - expected) <= Tolerance * MathF.Max(1f, MathF.Abs(expected));
}

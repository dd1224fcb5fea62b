using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// LayerNorm as exporters write it below opset 17 — <c>ReduceMean</c> → <c>Sub</c> → <c>Pow 2</c> →
/// <c>ReduceMean</c> → <c>Add ε</c> → <c>Sqrt</c> → <c>Div</c> → <c>Mul γ</c> → <c>Add β</c>, all over the last
/// axis — ⇒ one LayerNormalization node: nine passes over the activation become one. Results move by
/// float rounding only (the same statistics, summed in another order).
/// </summary>
public sealed class LayerNormFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var mean in graph.Nodes.Where(n => GraphPatterns.Is(n, "ReduceMean")).ToList())
        {
            if (!graph.Nodes.Contains(mean) || !OverLastAxisKeepingDims(graph, mean))
                continue;
            string x = mean.Input(0);
            var consumers = graph.Nodes.Where(n => n.Inputs.Contains(mean.Outputs[0])).ToList();
            if (consumers.Count != 1 || graph.IsGraphOutput(mean.Outputs[0]))
                continue;
            var centre = consumers[0];
            if (!GraphPatterns.Is(centre, "Sub") || centre.Input(0) != x || centre.Input(1) != mean.Outputs[0])
                continue;

            // The centred value feeds the variance (Pow) and the normalisation (Div), nothing else.
            string centred = centre.Outputs[0];
            var readers = graph.Nodes.Where(n => n.Inputs.Contains(centred)).ToList();
            if (readers.Count != 2 || graph.IsGraphOutput(centred))
                continue;
            var square = readers.FirstOrDefault(n => GraphPatterns.Is(n, "Pow"));
            var divide = readers.FirstOrDefault(n => GraphPatterns.Is(n, "Div"));
            if (square is null || divide is null || square.Input(0) != centred || !IsScalar(graph, square.Input(1), 2f) || divide.Input(0) != centred)
                continue;
            var variance = GraphPatterns.SoleConsumer(graph, square.Outputs[0]);
            if (!GraphPatterns.Is(variance, "ReduceMean") || !OverLastAxisKeepingDims(graph, variance!))
                continue;
            var addEpsilon = GraphPatterns.SoleConsumer(graph, variance!.Outputs[0]);
            if (!GraphPatterns.Is(addEpsilon, "Add"))
                continue;
            string epsilonName = addEpsilon!.Input(0) == variance.Outputs[0] ? addEpsilon.Input(1) : addEpsilon.Input(0);
            if (GraphPatterns.Constant(graph, epsilonName) is not { Type: DataType.Float32, ElementCount: 1 } epsilon)
                continue;
            var root = GraphPatterns.SoleConsumer(graph, addEpsilon.Outputs[0]);
            if (!GraphPatterns.Is(root, "Sqrt") || GraphPatterns.SoleConsumer(graph, root!.Outputs[0]) != divide || divide.Input(1) != root.Outputs[0])
                continue;
            var scale = GraphPatterns.SoleConsumer(graph, divide.Outputs[0]);
            if (!GraphPatterns.Is(scale, "Mul") || AffineOperand(graph, scale!, divide.Outputs[0]) is not { } gamma)
                continue;
            var shift = GraphPatterns.SoleConsumer(graph, scale!.Outputs[0]);
            string? beta = GraphPatterns.Is(shift, "Add") ? AffineOperand(graph, shift!, scale.Outputs[0]) : null;
            if (beta is not null && graph.Initializers[beta].ElementCount != graph.Initializers[gamma].ElementCount)
                beta = null;

            var attributes = new NodeAttributes();
            attributes.Set("axis", new AttributeValue(AttributeKind.Int, Int: -1));
            attributes.Set("epsilon", new AttributeValue(AttributeKind.Float, Float: epsilon.AsSpan<float>()[0]));
            string output = beta is null ? scale.Outputs[0] : shift!.Outputs[0];
            var fused = new Node(mean.Name + "_layernorm", "LayerNormalization", "", beta is null ? [x, gamma] : [x, gamma, beta], [output], attributes, opset: 17);
            QdqFusionEdits.Replace(graph, [mean, centre, square, variance, addEpsilon, root, divide, scale, beta is null ? null : shift], fused);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }

    /// <summary>ReduceMean over axes [-1] with keepdims: as an attribute (opset &lt; 18) or a constant input.</summary>
    private static bool OverLastAxisKeepingDims(Graph graph, Node reduce)
    {
        if (reduce.Attributes.GetInt("keepdims", 1) != 1)
            return false;
        long[]? axes = reduce.Attributes.GetInts("axes");
        if (axes is null && reduce.HasInput(1) && GraphPatterns.Constant(graph, reduce.Input(1)) is { Type: DataType.Int64 } axesInput)
            axes = axesInput.AsSpan<long>().ToArray();
        return axes is [-1];
    }

    /// <summary>The other operand when it is a constant 1-D float vector (γ or β), else null.</summary>
    private static string? AffineOperand(Graph graph, Node binary, string known)
    {
        string other = binary.Input(0) == known ? binary.Input(1) : binary.Input(0);
        return GraphPatterns.Constant(graph, other) is { Type: DataType.Float32, Shape.Rank: 1, ElementCount: > 1 } ? other : null;
    }

    private static bool IsScalar(Graph graph, string value, float expected) =>
        GraphPatterns.Constant(graph, value) is { Type: DataType.Float32, ElementCount: 1 } constant && constant.AsSpan<float>()[0] == expected;
}

using Edge.Runtime.Graphs;
using Edge.Runtime.Operators.Layout;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// Reshape(constant shape) → Transpose, or Transpose → Reshape(constant shape), where the value
/// between them has no other reader ⇒ one Transpose carrying the shape as input 1 (see
/// <see cref="TransposeOperator.ReshapeAttribute"/>). Edge's Reshape copies; attention splits and
/// merges heads with exactly these pairs, so every pair saves a pass over the activation.
/// Only allowzero = 0 (what exporters write) is fused.
/// </summary>
public sealed class ReshapeTransposeFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var transpose in graph.Nodes.Where(n => GraphPatterns.Is(n, "Transpose") && n.Inputs.Count == 1).ToList())
        {
            var before = GraphPatterns.Producer(graph, transpose.Input(0));
            if (IsFusableReshape(graph, before) && GraphPatterns.SoleConsumer(graph, before!.Outputs[0]) == transpose)
            {
                transpose.Inputs[0] = before.Input(0);
                transpose.Inputs.Add(before.Input(1));
                transpose.Attributes.Set(TransposeOperator.ReshapeAttribute, new AttributeValue(AttributeKind.String, String: "input"));
                graph.Nodes.Remove(before);
                changed = true;
                continue;
            }
            var after = GraphPatterns.SoleConsumer(graph, transpose.Outputs[0]);
            if (IsFusableReshape(graph, after) && after!.Input(0) == transpose.Outputs[0])
            {
                transpose.Inputs.Add(after.Input(1));
                transpose.Attributes.Set(TransposeOperator.ReshapeAttribute, new AttributeValue(AttributeKind.String, String: "output"));
                transpose.Outputs[0] = after.Outputs[0];
                graph.Nodes.Remove(after);
                changed = true;
            }
        }
        return changed;
    }

    private static bool IsFusableReshape(Graph graph, Node? node) =>
        GraphPatterns.Is(node, "Reshape") && node!.Inputs.Count == 2 && node.Outputs.Count == 1
        && GraphPatterns.Constant(graph, node.Input(1)) is { Type: DataType.Int64, Shape.Rank: 1 }
        && node.Attributes.GetInt("allowzero", 0) == 0;
}

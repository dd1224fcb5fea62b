using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>Removes Identity and inference-time Dropout nodes by renaming their consumers' inputs.</summary>
public sealed class IdentityElimination : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = graph.Nodes[i];
            bool isNoOp = node.Domain.Length == 0 && (node.OpType == "Identity" || (node.OpType == "Dropout" && node.Outputs.Count(o => o.Length > 0) == 1));
            if (!isNoOp || node.Inputs.Count == 0 || node.Input(0).Length == 0)
                continue;
            string from = node.Outputs[0], to = node.Inputs[0];
            // Graph outputs keep their names: rename the producer side instead only when that is safe.
            if (graph.IsGraphOutput(from))
                continue;
            foreach (var other in graph.Nodes)
                for (int k = 0; k < other.Inputs.Count; k++)
                    if (other.Inputs[k] == from)
                        other.Inputs[k] = to;
            graph.Nodes.RemoveAt(i);
            changed = true;
        }
        return changed;
    }
}

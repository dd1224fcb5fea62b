using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// Evaluates nodes whose inputs are all initializers once, at load (e.g. PyTorch's
/// ConstantOfShape→Cast bias zero points), so the fusions see constants. Ops that opt out
/// (DequantizeLinear: folding would undo weight compression) are kept.
/// </summary>
public sealed class ConstantFolding(OperatorRegistry registry) : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var node in graph.Nodes.ToList())
        {
            bool allConstant = node.Inputs.Count > 0 && node.Inputs.All(i => i.Length == 0 || graph.Initializers.ContainsKey(i));
            if (!allConstant || node.Outputs.Any(graph.IsGraphOutput))
                continue;
            var op = registry.Find(node.Domain, node.OpType, node.Opset);
            if (op is null || !op.CanFold)
                continue;
            var context = ExecutionPlanner.BuildContext(node, [], new Dictionary<string, int>(), graph.Initializers);
            op.InferOutputs(context);
            var outputs = ConstantEvaluator.Evaluate(op, context);
            for (int o = 0; o < outputs.Length; o++)
                if (outputs[o] is Tensor value)
                    graph.Initializers[node.Outputs[o]] = value;
            graph.Nodes.Remove(node);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveUnusedInitializers(graph);
        return changed;
    }
}

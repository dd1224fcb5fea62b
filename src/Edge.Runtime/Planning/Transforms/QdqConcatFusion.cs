using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>DQ(x₁…xₙ) → Concat → Q  ⇒  com.microsoft QLinearConcat.</summary>
public sealed class QdqConcatFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var concat in graph.Nodes.Where(n => GraphPatterns.Is(n, "Concat")).ToList())
        {
            var inputs = concat.Inputs.Select(i => DequantizeInput.Match(graph, i)).ToList();
            if (inputs.Count == 0 || inputs.Any(i => i is not { IsConstantPerTensor: true }))
                continue;
            var type = inputs[0]!.ZeroPointValue!.Type;
            if (inputs.Any(i => i!.ZeroPointValue!.Type != type))
                continue;
            var output = QuantizeOutput.Match(graph, concat.Outputs[0]);
            if (output is null || output.Activation is not null || GraphPatterns.Constant(graph, output.ZeroPoint)!.Type != type)
                continue;
            var operands = new List<string> { output.Scale, output.ZeroPoint };
            foreach (var input in inputs)
                operands.AddRange([input!.Quantized, input.Scale, input.ZeroPoint]);
            var fused = new Node(concat.Name + "_quant", "QLinearConcat", "com.microsoft", operands, [output.Output], concat.Attributes.Clone(), opset: 1);
            QdqFusionEdits.Replace(graph, [concat, output.Quantize], fused);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }
}

using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>DQ(a), DQ(b) → MatMul → Q  ⇒  QLinearMatMul (per-tensor a; b per-tensor or per-column).</summary>
public sealed class QdqMatMulFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var matMul in graph.Nodes.Where(n => GraphPatterns.Is(n, "MatMul")).ToList())
        {
            var a = DequantizeInput.Match(graph, matMul.Input(0));
            var b = DequantizeInput.Match(graph, matMul.Input(1));
            if (a is not { IsConstantPerTensor: true } || b is null || b.ScaleValue is null || b.ZeroPointValue is null)
                continue;
            if (b.ScaleValue.ElementCount > 1)
            {
                // Per-column scales of a constant 2-D B (axis 1) are what QLinearMatMul allows.
                var weights = GraphPatterns.Constant(graph, b.Quantized);
                long axis = b.Node.Attributes.GetInt("axis", 1);
                if (weights is null || weights.Shape.Rank != 2 || (axis != 1 && axis != -1) || b.ScaleValue.ElementCount != weights.Shape[1])
                    continue;
            }
            var output = QuantizeOutput.Match(graph, matMul.Outputs[0]);
            if (output is null)
                continue;
            var fused = new Node(matMul.Name + "_quant", "QLinearMatMul", "",
                [a.Quantized, a.Scale, a.ZeroPoint, b.Quantized, b.Scale, b.ZeroPoint, output.Scale, output.ZeroPoint],
                [output.Output], opset: graph.OpsetImports.GetValueOrDefault(""));
            QdqFusionEdits.Replace(graph, [matMul, output.Activation, output.Quantize], fused);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }
}

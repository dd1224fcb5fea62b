using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>DQ(x), DQ(w), [DQ(bias)] → Conv → [Relu] → Q  ⇒  QLinearConv: the int8 kernel runs where the float graph was written.</summary>
public sealed class QdqConvFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var conv in graph.Nodes.Where(n => GraphPatterns.Is(n, "Conv")).ToList())
        {
            var x = DequantizeInput.Match(graph, conv.Input(0));
            var w = DequantizeInput.Match(graph, conv.Input(1));
            if (x is not { IsConstantPerTensor: true } || w is null || w.ScaleValue is null || w.ZeroPointValue is null)
                continue;
            if (GraphPatterns.Constant(graph, w.Quantized) is not { } weights || weights.Type is not (DataType.Int8 or DataType.UInt8))
                continue;
            // Per-channel weights must be quantized along the output channels (axis 0).
            if (w.ScaleValue.ElementCount > 1 && (w.Node.Attributes.GetInt("axis", 1) != 0 || w.ScaleValue.ElementCount != weights.Shape[0]))
                continue;
            var output = QuantizeOutput.Match(graph, conv.Outputs[0]);
            if (output is null)
                continue;
            string? bias = QdqBias.Resolve(graph, conv.Input(2), x.ScaleValue!, w.ScaleValue, weights.Shape[0]);
            if (conv.HasInput(2) && bias is null)
                continue;

            var fused = new Node(conv.Name + "_quant", "QLinearConv", "",
                [x.Quantized, x.Scale, x.ZeroPoint, w.Quantized, w.Scale, w.ZeroPoint, output.Scale, output.ZeroPoint, .. bias is null ? Array.Empty<string>() : [bias]],
                [output.Output], conv.Attributes.Clone(), graph.OpsetImports.GetValueOrDefault(""));
            QdqFusionEdits.Replace(graph, [conv, output.Activation, output.Quantize], fused);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }
}

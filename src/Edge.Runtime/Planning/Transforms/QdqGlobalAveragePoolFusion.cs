using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>DQ(x) → GlobalAveragePool → Q  ⇒  com.microsoft QLinearGlobalAveragePool (NCHW).</summary>
public sealed class QdqGlobalAveragePoolFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var pool in graph.Nodes.Where(n => GraphPatterns.Is(n, "GlobalAveragePool")).ToList())
        {
            var x = DequantizeInput.Match(graph, pool.Input(0));
            if (x is not { IsConstantPerTensor: true })
                continue;
            var output = QuantizeOutput.Match(graph, pool.Outputs[0]);
            if (output is null || output.Activation is not null || GraphPatterns.Constant(graph, output.ZeroPoint)!.Type != x.ZeroPointValue!.Type)
                continue;
            var attributes = new NodeAttributes();
            attributes.Set("channels_last", new AttributeValue(AttributeKind.Int, Int: 0));
            var fused = new Node(pool.Name + "_quant", "QLinearGlobalAveragePool", "com.microsoft",
                [x.Quantized, x.Scale, x.ZeroPoint, output.Scale, output.ZeroPoint], [output.Output], attributes, opset: 1);
            QdqFusionEdits.Replace(graph, [pool, output.Quantize], fused);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }
}

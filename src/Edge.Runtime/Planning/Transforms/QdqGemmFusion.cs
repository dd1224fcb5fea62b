using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>DQ(a), DQ(b), [DQ(c) or float c] → Gemm → [Relu] → Q  ⇒  com.microsoft QGemm (alpha = beta = 1).</summary>
public sealed class QdqGemmFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var gemm in graph.Nodes.Where(n => GraphPatterns.Is(n, "Gemm")).ToList())
        {
            if (gemm.Attributes.GetFloat("alpha", 1) != 1 || gemm.Attributes.GetFloat("beta", 1) != 1 || gemm.Attributes.GetInt("transA", 0) != 0)
                continue;
            var a = DequantizeInput.Match(graph, gemm.Input(0));
            var b = DequantizeInput.Match(graph, gemm.Input(1));
            if (a is not { IsConstantPerTensor: true } || b is null || b.ScaleValue is null || b.ZeroPointValue is null)
                continue;
            if (GraphPatterns.Constant(graph, b.Quantized) is not { Shape.Rank: 2 } weights)
                continue;
            bool transB = gemm.Attributes.GetInt("transB", 0) != 0;
            int n = transB ? weights.Shape[0] : weights.Shape[1];
            if (b.ScaleValue.ElementCount > 1)
            {
                // Per-channel means per output column: axis 0 of a transposed B, axis 1 otherwise.
                long axis = b.Node.Attributes.GetInt("axis", 1);
                if (axis < 0) axis += 2;
                if (axis != (transB ? 0 : 1) || b.ScaleValue.ElementCount != n)
                    continue;
            }
            var output = QuantizeOutput.Match(graph, gemm.Outputs[0]);
            if (output is null)
                continue;
            string? bias = QdqBias.Resolve(graph, gemm.Input(2), a.ScaleValue!, b.ScaleValue, n);
            if (gemm.HasInput(2) && bias is null)
                continue;
            var attributes = new NodeAttributes();
            attributes.Set("transB", new AttributeValue(AttributeKind.Int, Int: transB ? 1 : 0));
            attributes.Set("alpha", new AttributeValue(AttributeKind.Float, Float: 1));
            var fused = new Node(gemm.Name + "_quant", "QGemm", "com.microsoft",
                [a.Quantized, a.Scale, a.ZeroPoint, b.Quantized, b.Scale, b.ZeroPoint, bias ?? "", output.Scale, output.ZeroPoint],
                [output.Output], attributes, opset: 1);
            QdqFusionEdits.Replace(graph, [gemm, output.Activation, output.Quantize], fused);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }
}

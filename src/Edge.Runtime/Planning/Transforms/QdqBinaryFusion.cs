using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// DQ(a), DQ(b) → Add/Mul → [Relu] → Q  ⇒  com.microsoft QLinearAdd/QLinearMul (residual connections in int8 CNNs).
/// A Relu is taken only where the output zero point makes it redundant (the requantizer's saturation does its work
/// exactly), as ONNX Runtime drops such a Relu before it fuses the same group.
/// </summary>
public sealed class QdqBinaryFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var op in graph.Nodes.Where(n => GraphPatterns.Is(n, "Add") || GraphPatterns.Is(n, "Mul")).ToList())
        {
            var a = DequantizeInput.Match(graph, op.Input(0));
            var b = DequantizeInput.Match(graph, op.Input(1));
            if (a is not { IsConstantPerTensor: true } || b is not { IsConstantPerTensor: true } || a.ZeroPointValue!.Type != b.ZeroPointValue!.Type)
                continue;
            var output = QuantizeOutput.Match(graph, op.Outputs[0]);
            if (output is null || GraphPatterns.Constant(graph, output.ZeroPoint)!.Type != a.ZeroPointValue.Type)
                continue;
            var fused = new Node(op.Name + "_quant", op.OpType == "Add" ? "QLinearAdd" : "QLinearMul", "com.microsoft",
                [a.Quantized, a.Scale, a.ZeroPoint, b.Quantized, b.Scale, b.ZeroPoint, output.Scale, output.ZeroPoint],
                [output.Output], opset: 1);
            QdqFusionEdits.Replace(graph, [op, output.Activation, output.Quantize], fused);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }
}

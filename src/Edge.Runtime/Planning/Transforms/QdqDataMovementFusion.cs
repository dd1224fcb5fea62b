using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// DQ → MaxPool/Flatten/Reshape/Transpose/Squeeze/Unsqueeze → Q with the same scale and zero point
/// ⇒ the op on the quantized tensor. Exact: these ops only move or select values, and max commutes
/// with a monotone quantizer. PyTorch wraps MaxPool and Flatten this way.
/// </summary>
public sealed class QdqDataMovementFusion : IGraphTransform
{
    private static readonly HashSet<string> DataMovementOps = ["MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze"];

    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var op in graph.Nodes.Where(n => n.Domain.Length == 0 && DataMovementOps.Contains(n.OpType)).ToList())
        {
            if (op.OpType == "MaxPool" && op.Outputs.Count(o => o.Length > 0) > 1)
                continue;
            var input = DequantizeInput.Match(graph, op.Input(0));
            if (input is not { IsConstantPerTensor: true })
                continue;
            var q = GraphPatterns.SoleConsumer(graph, op.Outputs[0]);
            if (!GraphPatterns.Is(q, "QuantizeLinear") || q!.Input(0) != op.Outputs[0])
                continue;
            var scale = GraphPatterns.Constant(graph, q.Input(1));
            var zeroPoint = q.HasInput(2) ? GraphPatterns.Constant(graph, q.Input(2)) : null;
            if (scale is not { ElementCount: 1 } || (q.HasInput(2) && zeroPoint is null))
                continue;
            bool sameScale = scale.AsSpan<float>()[0] == input.ScaleValue!.AsSpan<float>()[0];
            bool sameZero = (zeroPoint?.ToInt64Array()[0] ?? 0) == input.ZeroPointValue!.ToInt64Array()[0]
                && (zeroPoint?.Type ?? Tensors.DataType.UInt8) == input.ZeroPointValue.Type;
            if (!sameScale || !sameZero)
                continue;
            op.Inputs[0] = input.Quantized;
            op.Outputs[0] = q.Outputs[0];
            graph.Nodes.Remove(q);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }
}

using Edge.Runtime.Graphs;
using Edge.Runtime.Operators.NN;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// <c>MatMul</c> → <c>Mul</c> or <c>Div</c> by a constant float scalar (attention's 1/√d on Q·Kᵀ) ⇒ the
/// MatMul with attribute <see cref="MatMulOperator.AlphaAttribute"/>, applied as the product is stored:
/// one pass over the attention scores less. Only a rank-0 scalar is taken, so the output shape cannot
/// change, and only a MatMul without a fused bias (alpha scales the product, before any bias).
/// </summary>
public sealed class MatMulScaleFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var matMul in graph.Nodes.Where(n => GraphPatterns.Is(n, "MatMul") && n.Inputs.Count == 2 && !n.Attributes.Contains(MatMulOperator.AlphaAttribute)).ToList())
        {
            var scale = GraphPatterns.SoleConsumer(graph, matMul.Outputs[0]);
            bool isMul = GraphPatterns.Is(scale, "Mul");
            if (!(isMul || GraphPatterns.Is(scale, "Div")) || scale!.Inputs.Count != 2)
                continue;
            // Div is not commutative: only product / scalar.
            string factorName = scale.Input(0) == matMul.Outputs[0] ? scale.Input(1) : isMul ? scale.Input(0) : "";
            if (GraphPatterns.Constant(graph, factorName) is not { Type: DataType.Float32, Shape.Rank: 0 } factor)
                continue;
            float value = factor.AsSpan<float>()[0];
            float alpha = isMul ? value : 1f / value;
            if (!float.IsFinite(alpha) || alpha == 0f)
                continue;
            matMul.Attributes.Set(MatMulOperator.AlphaAttribute, new AttributeValue(AttributeKind.Float, Float: alpha));
            matMul.Outputs[0] = scale.Outputs[0];
            graph.Nodes.Remove(scale);
            changed = true;
        }
        return changed;
    }
}

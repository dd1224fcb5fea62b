using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// The dynamic-quantization pattern ONNX Runtime's quantize_dynamic emits,
/// MatMulInteger(a, W) → Cast(float) → Mul(·, a_scale·w_scale) → [Add bias],
/// ⇒ com.microsoft MatMulIntegerToFloat, which scales and adds the bias while the accumulator is
/// hot instead of three passes over the output. Exact: the same float operations in the same order.
/// </summary>
public sealed class DynamicMatMulFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var matMul in graph.Nodes.Where(n => GraphPatterns.Is(n, "MatMulInteger")).ToList())
        {
            if (GraphPatterns.Constant(graph, matMul.Input(1)) is not { Shape.Rank: 2 } weights)
                continue;
            var cast = GraphPatterns.SoleConsumer(graph, matMul.Outputs[0]);
            if (!GraphPatterns.Is(cast, "Cast") || cast!.Attributes.GetInt("to", 0) != (int)DataType.Float32)
                continue;
            var mul = GraphPatterns.SoleConsumer(graph, cast.Outputs[0]);
            if (!GraphPatterns.Is(mul, "Mul"))
                continue;
            string scaleProduct = mul!.Input(0) == cast.Outputs[0] ? mul.Input(1) : mul.Input(0);
            var product = GraphPatterns.Producer(graph, scaleProduct);
            if (!GraphPatterns.Is(product, "Mul"))
                continue;
            // One factor is A's (run-time) scale, the other B's constant scale: per tensor or per column.
            var (aScale, bScale) = GraphPatterns.Constant(graph, product!.Input(1)) is not null
                ? (product.Input(0), product.Input(1)) : (product.Input(1), product.Input(0));
            var bScaleValue = GraphPatterns.Constant(graph, bScale);
            if (bScaleValue is not { Type: DataType.Float32 } || (bScaleValue.ElementCount != 1 && bScaleValue.ElementCount != weights.Shape[1]))
                continue;
            if (GraphPatterns.Constant(graph, aScale) is { ElementCount: > 1 })
                continue;

            string output = mul.Outputs[0];
            string bias = "";
            Node? add = GraphPatterns.SoleConsumer(graph, output);
            if (GraphPatterns.Is(add, "Add"))
            {
                string other = add!.Input(0) == output ? add.Input(1) : add.Input(0);
                if (GraphPatterns.Constant(graph, other) is { Type: DataType.Float32, Shape.Rank: 1 } b && b.ElementCount == weights.Shape[1])
                {
                    bias = other;
                    output = add.Outputs[0];
                }
                else
                {
                    add = null;
                }
            }
            else
            {
                add = null;
            }

            // MatMulIntegerToFloat's inputs: A, B, a_scale, b_scale, a_zero_point, b_zero_point, bias.
            var fused = new Node(matMul.Name + "_to_float", "MatMulIntegerToFloat", "com.microsoft",
                [matMul.Input(0), matMul.Input(1), aScale, bScale, matMul.Input(2), matMul.Input(3), bias],
                [output], opset: 1);
            QdqFusionEdits.Replace(graph, [matMul, cast, mul, add], fused);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveDeadNodes(graph);
        return changed;
    }
}

using Edge.Onnx.Protos;
using Edge.Quantization.Graph;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Dynamic;

/// <summary>
/// Rewrites every MatMul/Gemm with a constant 2-D float weight into ONNX Runtime's quantize_dynamic
/// pattern, DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, w_zp) → Cast(float) →
/// Mul(·, x_scale·w_scale) → [Add bias], which Edge fuses into MatMulIntegerToFloat. The last node
/// writes the original output name, so everything downstream is untouched.
/// </summary>
internal static class DynamicQuantizer
{
    public static List<NodeDecision> Quantize(GraphEditor graph, QuantizationOptions options)
    {
        var decisions = new List<NodeDecision>();
        // One DynamicQuantizeLinear per float tensor, shared by all its MatMuls (q/k/v), as ORT does.
        var quantizedInputs = new Dictionary<string, (string Q, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        foreach (var node in graph.GraphProto.Node.ToList())
        {
            if (node.OpType is not ("MatMul" or "Gemm") || node.Domain is not ("" or "ai.onnx"))
            {
                decisions.Add(new NodeDecision(node.Name, node.OpType, false, "no int8 form in dynamic mode (only MatMul/Gemm weights are quantized)"));
                continue;
            }
            if (options.ExcludedNodes.Contains(node.Name))
            {
                decisions.Add(new NodeDecision(node.Name, node.OpType, false, "excluded"));
                continue;
            }
            string? whyNot = WhyNotQuantizable(graph, node, out var weightsKn);
            if (whyNot is not null)
            {
                decisions.Add(new NodeDecision(node.Name, node.OpType, false, whyNot));
                continue;
            }
            Rewrite(graph, node, weightsKn!, options, quantizedInputs);
            decisions.Add(new NodeDecision(node.Name, node.OpType, true,
                $"dynamic int8, weights {(options.PerChannel ? "per column" : "per tensor")}{(options.ReduceRange ? ", 7-bit" : "")}"));
        }
        return decisions;
    }

    /// <summary>Null when the node can be rewritten; then <paramref name="weightsKn"/> is its weight as [K, N].</summary>
    private static string? WhyNotQuantizable(GraphEditor graph, NodeProto node, out Tensor? weightsKn)
    {
        weightsKn = null;
        if (graph.FloatInitializer(node.Input[1]) is not { Shape.Rank: 2 } weights)
            return "weight is not a constant 2-D float initializer (activation × activation)";
        if (node.OpType == "Gemm")
        {
            if (GraphEditor.GetInt(node, "transA", 0) != 0)
                return "Gemm with transA=1";
            if (GraphEditor.GetFloat(node, "alpha", 1) != 1 || GraphEditor.GetFloat(node, "beta", 1) != 1)
                return "Gemm with alpha or beta other than 1";
            if (GraphEditor.GetInt(node, "transB", 0) != 0)
                weights = Transpose(weights);
        }
        weightsKn = weights;
        return null;
    }

    private static void Rewrite(GraphEditor graph, NodeProto node, Tensor weightsKn, QuantizationOptions options,
        Dictionary<string, (string Q, string Scale, string ZeroPoint)> quantizedInputs)
    {
        string x = node.Input[0];
        string output = node.Output[0];
        if (!quantizedInputs.TryGetValue(x, out var xq))
        {
            xq = (graph.FreshName(x + "_quantized"), graph.FreshName(x + "_scale"), graph.FreshName(x + "_zero_point"));
            graph.AddNode("DynamicQuantizeLinear", x + "_DynamicQuantizeLinear", [x], [xq.Q, xq.Scale, xq.ZeroPoint]);
            quantizedInputs[x] = xq;
        }

        var (wq, scales) = QuantizationMath.QuantizeWeights(weightsKn, options.PerChannel ? 1 : null, QuantizationMath.WeightLimit(options.ReduceRange));
        string weightName = node.Input[1];
        string w = graph.AddInitializer(weightName + "_quantized", wq);
        string ws = graph.AddInitializer(weightName + "_scale", QuantizationMath.ScaleTensor(scales));
        string wz = graph.AddInitializer(weightName + "_zero_point", QuantizationMath.ZeroPoints(DataType.Int8, scales.Length));

        string bias = node.OpType == "Gemm" && node.Input.Count > 2 ? node.Input[2] : "";
        string scaled = bias.Length > 0 ? graph.FreshName(output + "_unbiased") : output;
        var matMul = graph.AddNode("MatMulInteger", node.Name + "_MatMulInteger", [xq.Q, w, xq.ZeroPoint, wz], [graph.FreshName(output + "_int32")]);
        var cast = graph.AddNode("Cast", node.Name + "_Cast", [matMul.Output[0]], [graph.FreshName(output + "_int32_float")]);
        cast.Attribute.Add(GraphEditor.IntAttribute("to", (long)DataType.Float32));
        var scale = graph.AddNode("Mul", node.Name + "_scale_Mul", [xq.Scale, ws], [graph.FreshName(output + "_output_scale")]);
        graph.AddNode("Mul", node.Name + "_output_Mul", [cast.Output[0], scale.Output[0]], [scaled]);
        if (bias.Length > 0)
            graph.AddNode("Add", node.Name + "_bias_Add", [scaled, VectorBias(graph, bias, weightsKn.Shape[1])], [output]);
        graph.GraphProto.Node.Remove(node);
    }

    /// <summary>Gemm's C as a 1-D [N] initializer when it is constant with N values (the fusable form); otherwise as is.</summary>
    private static string VectorBias(GraphEditor graph, string bias, int columns)
    {
        if (graph.FloatInitializer(bias) is not { } value || value.ElementCount != columns || value.Shape.Rank == 1)
            return bias;
        return graph.AddInitializer(bias + "_vector", value.Reshape(new TensorShape(columns)));
    }

    internal static Tensor Transpose(Tensor matrix)
    {
        int rows = matrix.Shape[0], cols = matrix.Shape[1];
        var src = matrix.AsSpan<float>();
        var result = Tensor.Allocate(DataType.Float32, new TensorShape(cols, rows));
        var dst = result.AsSpan<float>();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                dst[c * rows + r] = src[r * cols + c];
        return result;
    }
}

using Edge.Onnx.Protos;
using Edge.Quantization.Graph;

namespace Edge.Quantization.Static;

/// <summary>
/// Writes a static plan as QOperator ops: QLinearConv, QLinearMatMul, com.microsoft QGemm (each
/// with its Relu/Clip folded into the output range), data-movement ops on the int8 tensors, a
/// QuantizeLinear where float data enters and a DequantizeLinear where int8 data leaves to a float
/// op or a graph output. int8 tensors are named <c>&lt;name&gt;_quantized</c>; the DequantizeLinear
/// writes the original float name, so float consumers and graph outputs are unchanged.
/// </summary>
internal static class QOperatorEmitter
{
    public static void Emit(GraphEditor graph, StaticPlan plan, IReadOnlyDictionary<string, QuantParams> parameters, QuantizationOptions options)
    {
        var quantizedName = plan.ParameterSource.Keys.ToDictionary(t => t, t => graph.FreshName(t + "_quantized"), StringComparer.Ordinal);
        var scales = new Dictionary<string, (string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        (string Scale, string ZeroPoint) Params(string tensor)
        {
            string source = plan.ParameterSource[tensor];
            if (!scales.TryGetValue(source, out var names))
            {
                var p = parameters[source];
                names = (graph.AddInitializer(source + "_scale", Runtime.Tensors.Tensor.Scalar(p.Scale)), graph.AddInitializer(source + "_zero_point", QuantizationMath.ZeroPoint(p)));
                scales[source] = names;
            }
            return names;
        }

        // Tensors the int8 ops produce; the rest of the quantized tensors come from float producers.
        var producedInInt8 = new HashSet<string>(plan.Layers.Select(l => l.Output).Concat(plan.PassThrough.Concat(plan.Operators).Select(p => p.Output[0])), StringComparer.Ordinal);
        var replaced = new HashSet<NodeProto>(plan.Layers.SelectMany(l => new[] { l.Node, l.Activation }).OfType<NodeProto>().Concat(plan.PassThrough).Concat(plan.Operators), ReferenceEqualityComparer.Instance);

        foreach (string tensor in plan.ParameterSource.Keys.Where(t => !producedInInt8.Contains(t)))
        {
            var (scale, zeroPoint) = Params(tensor);
            graph.AddNode("QuantizeLinear", tensor + "_QuantizeLinear", [tensor, scale, zeroPoint], [quantizedName[tensor]]);
        }

        foreach (var layer in plan.Layers)
        {
            var input = parameters[plan.ParameterSource[layer.Input]];
            var weights = LayerWeights.Create(graph, layer, input, options);
            var (xScale, xZero) = Params(layer.Input);
            var (yScale, yZero) = Params(layer.Output);
            string x = quantizedName[layer.Input], y = quantizedName[layer.Output];
            NodeProto node;
            switch (layer.Node.OpType)
            {
                case "Conv":
                    node = graph.AddNode("QLinearConv", layer.Node.Name + "_quant",
                        [x, xScale, xZero, weights.Weight, weights.WeightScale, weights.WeightZeroPoint, yScale, yZero, .. weights.Bias.Length > 0 ? new[] { weights.Bias } : []], [y]);
                    node.Attribute.AddRange(layer.Node.Attribute.Select(a => a.Clone()));
                    break;
                case "Gemm":
                    graph.EnsureOpsetImport("com.microsoft", 1);
                    node = graph.AddNode("QGemm", layer.Node.Name + "_quant",
                        [x, xScale, xZero, weights.Weight, weights.WeightScale, weights.WeightZeroPoint, weights.Bias, yScale, yZero], [y], "com.microsoft");
                    node.Attribute.Add(GraphEditor.IntAttribute("transB", GraphEditor.GetInt(layer.Node, "transB", 0)));
                    node.Attribute.Add(GraphEditor.FloatAttribute("alpha", 1));
                    break;
                default:
                    node = graph.AddNode("QLinearMatMul", layer.Node.Name + "_quant",
                        [x, xScale, xZero, weights.Weight, weights.WeightScale, weights.WeightZeroPoint, yScale, yZero], [y]);
                    break;
            }
        }

        foreach (var op in plan.Operators)
        {
            EmitOperator(graph, op, t => quantizedName[t], Params);
            graph.GraphProto.Node.Remove(op);
        }

        foreach (var op in plan.PassThrough)
        {
            op.Input[0] = quantizedName[op.Input[0]];
            op.Output[0] = quantizedName[op.Output[0]];
        }
        foreach (var layer in plan.Layers)
        {
            graph.GraphProto.Node.Remove(layer.Node);
            if (layer.Activation is not null)
                graph.GraphProto.Node.Remove(layer.Activation);
        }

        // int8 data leaving to float consumers or graph outputs gets its float name back.
        foreach (string tensor in producedInInt8)
        {
            bool floatConsumers = graph.GraphProto.Node.Any(n => !replaced.Contains(n) && n.Input.Contains(tensor));
            if (!floatConsumers && !graph.IsGraphOutput(tensor))
                continue;
            var (scale, zeroPoint) = Params(tensor);
            graph.AddNode("DequantizeLinear", tensor + "_DequantizeLinear", [quantizedName[tensor], scale, zeroPoint], [tensor]);
        }
    }

    /// <summary>Add/Mul/Concat/GlobalAveragePool as the com.microsoft int8 ops ONNX Runtime's quantizer emits.</summary>
    private static void EmitOperator(GraphEditor graph, NodeProto op, Func<string, string> quantized, Func<string, (string Scale, string ZeroPoint)> parameters)
    {
        graph.EnsureOpsetImport("com.microsoft", 1);
        string output = op.Output[0];
        var (yScale, yZero) = parameters(output);
        string name = op.Name + "_quant";
        switch (op.OpType)
        {
            case "Add" or "Mul":
            {
                var (aScale, aZero) = parameters(op.Input[0]);
                var (bScale, bZero) = parameters(op.Input[1]);
                graph.AddNode(op.OpType == "Add" ? "QLinearAdd" : "QLinearMul", name,
                    [quantized(op.Input[0]), aScale, aZero, quantized(op.Input[1]), bScale, bZero, yScale, yZero], [quantized(output)], "com.microsoft");
                break;
            }
            case "GlobalAveragePool":
            {
                var (xScale, xZero) = parameters(op.Input[0]);
                var node = graph.AddNode("QLinearGlobalAveragePool", name, [quantized(op.Input[0]), xScale, xZero, yScale, yZero], [quantized(output)], "com.microsoft");
                node.Attribute.Add(GraphEditor.IntAttribute("channels_last", 0));
                break;
            }
            default:
            {
                var inputs = new List<string> { yScale, yZero };
                foreach (string input in op.Input)
                {
                    var (scale, zero) = parameters(input);
                    inputs.AddRange([quantized(input), scale, zero]);
                }
                var node = graph.AddNode("QLinearConcat", name, inputs, [quantized(output)], "com.microsoft");
                node.Attribute.Add(GraphEditor.IntAttribute("axis", GraphEditor.GetInt(op, "axis", 0)));
                break;
            }
        }
    }
}

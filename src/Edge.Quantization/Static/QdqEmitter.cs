using Edge.Quantization.Graph;

namespace Edge.Quantization.Static;

/// <summary>
/// Writes a static plan as QDQ: QuantizeLinear → DequantizeLinear after every quantized tensor, a
/// DequantizeLinear on every int8 weight and int32 bias, float ops left in place (Edge and ONNX
/// Runtime fuse DQ → op → Q into int8 kernels). A tensor keeps its name; its Q/DQ outputs are
/// <c>&lt;name&gt;_quantized</c> / <c>&lt;name&gt;_dequantized</c>. A graph output instead becomes
/// the DequantizeLinear's output, and the float value before it is renamed <c>&lt;name&gt;_float</c>.
/// </summary>
internal static class QdqEmitter
{
    public static void Emit(GraphEditor graph, StaticPlan plan, IReadOnlyDictionary<string, QuantParams> parameters, QuantizationOptions options)
    {
        // Q/DQ pairs first, so that the layers below then rewire their weights only.
        foreach (var (tensor, source) in plan.ParameterSource)
            InsertQdq(graph, tensor, parameters[source]);

        foreach (var layer in plan.Layers)
        {
            var weights = LayerWeights.Create(graph, layer, parameters[plan.ParameterSource[layer.Input]], options);
            var dqWeight = graph.AddNode("DequantizeLinear", layer.Weight + "_DequantizeLinear",
                [weights.Weight, weights.WeightScale, weights.WeightZeroPoint], [graph.FreshName(layer.Weight + "_dequantized")]);
            if (weights.Axis is int axis)
                dqWeight.Attribute.Add(GraphEditor.IntAttribute("axis", axis));
            layer.Node.Input[1] = dqWeight.Output[0];
            if (weights.Bias.Length > 0)
            {
                var dqBias = graph.AddNode("DequantizeLinear", layer.Bias + "_DequantizeLinear",
                    [weights.Bias, weights.BiasScale, weights.BiasZeroPoint], [graph.FreshName(layer.Bias + "_dequantized")]);
                if (weights.Axis is not null)
                    dqBias.Attribute.Add(GraphEditor.IntAttribute("axis", 0));
                layer.Node.Input[2] = dqBias.Output[0];
            }
        }
    }

    private static void InsertQdq(GraphEditor graph, string tensor, QuantParams p)
    {
        string scale = graph.AddInitializer(tensor + "_scale", Runtime.Tensors.Tensor.Scalar(p.Scale));
        string zeroPoint = graph.AddInitializer(tensor + "_zero_point", QuantizationMath.ZeroPoint(p));
        string quantized = graph.FreshName(tensor + "_quantized");
        if (graph.IsGraphOutput(tensor))
        {
            string floatName = graph.FreshName(tensor + "_float");
            var producer = graph.Producer(tensor) ?? throw new QuantizationException($"graph output '{tensor}' has no producer");
            producer.Output[producer.Output.IndexOf(tensor)] = floatName;
            // Consumers inside the graph keep reading the name, now the dequantized value, like everywhere else.
            graph.AddNode("QuantizeLinear", tensor + "_QuantizeLinear", [floatName, scale, zeroPoint], [quantized]);
            graph.AddNode("DequantizeLinear", tensor + "_DequantizeLinear", [quantized, scale, zeroPoint], [tensor]);
            return;
        }
        var quantize = graph.AddNode("QuantizeLinear", tensor + "_QuantizeLinear", [tensor, scale, zeroPoint], [quantized]);
        var dequantize = graph.AddNode("DequantizeLinear", tensor + "_DequantizeLinear", [quantized, scale, zeroPoint], [graph.FreshName(tensor + "_dequantized")]);
        graph.RedirectConsumers(tensor, dequantize.Output[0], quantize);
    }
}

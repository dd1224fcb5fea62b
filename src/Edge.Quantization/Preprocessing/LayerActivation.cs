using Edge.Onnx.Protos;
using Edge.Quantization.Graph;

namespace Edge.Quantization.Preprocessing;

/// <summary>
/// The Relu (or Clip(0, max)) right after a Conv/Gemm/MatMul that is quantized together with it:
/// the layer's output is quantized after the activation, so there is no Q/DQ between the two and
/// the int8 kernel's saturation applies the activation.
/// </summary>
internal static class LayerActivation
{
    public static NodeProto? Find(GraphEditor graph, NodeProto layer, ISet<string> excluded)
    {
        string output = layer.Output[0];
        if (graph.IsGraphOutput(output))
            return null;
        var consumers = graph.Consumers(output);
        if (consumers.Count != 1 || excluded.Contains(consumers[0].Name))
            return null;
        var activation = consumers[0];
        if (activation.OpType == "Relu")
            return activation;
        if (activation.OpType != "Clip" || activation.Input.Count < 2)
            return null;
        // Clip(0, max): the lower bound must be a constant 0, the upper a constant (or absent).
        var min = graph.FloatInitializer(activation.Input[1]);
        bool hasMax = activation.Input.Count > 2 && activation.Input[2].Length > 0;
        if (min is not { ElementCount: 1 } || min.AsSpan<float>()[0] != 0 || (hasMax && graph.FloatInitializer(activation.Input[2]) is null))
            return null;
        return activation;
    }
}

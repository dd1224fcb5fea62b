using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// The QuantizeLinear that consumes an op's output, possibly through a Relu (or a Clip that
/// saturation makes redundant): when the zero point sits at the bottom of the quantized range,
/// the requantizer's own saturation does the Relu's work exactly.
/// </summary>
internal sealed record QuantizeOutput(Node Quantize, Node? Activation, string Scale, string ZeroPoint, string Output)
{
    public static QuantizeOutput? Match(Graph graph, string value)
    {
        var next = GraphPatterns.SoleConsumer(graph, value);
        Node? activation = null;
        if (GraphPatterns.Is(next, "Relu") || GraphPatterns.Is(next, "Clip"))
        {
            activation = next;
            next = GraphPatterns.SoleConsumer(graph, activation!.Outputs[0]);
        }
        if (!GraphPatterns.Is(next, "QuantizeLinear") || next!.Input(0) != (activation?.Outputs[0] ?? value))
            return null;
        var scale = GraphPatterns.Constant(graph, next.Input(1));
        if (scale is not { ElementCount: 1, Type: DataType.Float32 })
            return null;
        var type = GraphPatterns.QuantizedType(graph, next);
        if (type is not (DataType.UInt8 or DataType.Int8))
            return null;
        string zeroPoint = next.Input(2);
        if (zeroPoint.Length == 0)
            zeroPoint = GraphPatterns.AddInitializer(graph, next.Outputs[0] + "_zero_point", Tensor.Allocate(DataType.UInt8, TensorShape.Scalar));
        var zp = GraphPatterns.Constant(graph, zeroPoint);
        if (zp is not { ElementCount: 1 })
            return null;
        if (activation is not null && !ActivationIsSaturation(graph, activation, type.Value, zp.ToInt64Array()[0], scale.AsSpan<float>()[0]))
            return null;
        return new QuantizeOutput(next, activation, next.Input(1), zeroPoint, next.Outputs[0]);
    }

    private static bool ActivationIsSaturation(Graph graph, Node activation, DataType type, long zeroPoint, float scale)
    {
        long qmin = type == DataType.UInt8 ? 0 : -128, qmax = type == DataType.UInt8 ? 255 : 127;
        if (zeroPoint != qmin)
            return false;
        if (activation.OpType == "Relu")
            return true;
        // Clip(0, max) is redundant only when max is at or beyond the largest representable value.
        var min = GraphPatterns.Constant(graph, activation.Input(1));
        var max = GraphPatterns.Constant(graph, activation.Input(2));
        float lo = min is null ? float.NegativeInfinity : min.AsSpan<float>()[0];
        float hi = max is null ? float.PositiveInfinity : max.AsSpan<float>()[0];
        if ((activation.HasInput(1) && min is null) || (activation.HasInput(2) && max is null))
            return false;
        return lo == 0 && hi >= (qmax - zeroPoint) * scale;
    }
}

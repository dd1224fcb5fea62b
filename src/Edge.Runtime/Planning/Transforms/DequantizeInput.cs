using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>A value produced by DequantizeLinear: the quantized tensor, its scale and zero point (always present: synthesised when omitted).</summary>
internal sealed record DequantizeInput(Node Node, string Quantized, string Scale, string ZeroPoint, Tensor? ScaleValue, Tensor? ZeroPointValue)
{
    /// <summary>Matches <paramref name="value"/> against a DequantizeLinear output; null when it is not one.</summary>
    public static DequantizeInput? Match(Graph graph, string value)
    {
        var dq = GraphPatterns.Producer(graph, value);
        if (!GraphPatterns.Is(dq, "DequantizeLinear") || dq!.Attributes.GetInt("block_size", 0) != 0)
            return null;
        string zeroPoint = dq.Input(2);
        if (zeroPoint.Length == 0)
        {
            // An omitted zero point means 0 of the quantized type; that type is only known for constants.
            var quantized = GraphPatterns.Constant(graph, dq.Input(0));
            var type = quantized?.Type ?? DataType.UInt8;
            zeroPoint = GraphPatterns.AddInitializer(graph, dq.Input(0) + "_zero_point", Tensor.Allocate(type, TensorShape.Scalar));
        }
        return new DequantizeInput(dq, dq.Input(0), dq.Input(1), zeroPoint,
            GraphPatterns.Constant(graph, dq.Input(1)), GraphPatterns.Constant(graph, zeroPoint));
    }

    /// <summary>Per-tensor with constant scale and zero point: what activations must be for the int8 kernels.</summary>
    public bool IsConstantPerTensor => ScaleValue is { ElementCount: 1 } && ZeroPointValue is { ElementCount: 1 };
}

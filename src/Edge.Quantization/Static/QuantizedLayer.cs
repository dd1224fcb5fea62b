using Edge.Onnx.Protos;

namespace Edge.Quantization.Static;

/// <summary>A Conv/Gemm/MatMul chosen for int8, with the Relu/Clip fused into it.</summary>
/// <param name="Node">The layer.</param>
/// <param name="Activation">The fused Relu/Clip, if any.</param>
/// <param name="Input">The activation input.</param>
/// <param name="Output">The quantized output: the activation's output when fused, else the layer's.</param>
/// <param name="ChannelAxis">The weight axis of the output channels (Conv 0, Gemm transB=1 0, else 1).</param>
internal sealed record QuantizedLayer(NodeProto Node, NodeProto? Activation, string Input, string Output, int ChannelAxis)
{
    public string Weight => Node.Input[1];

    /// <summary>The bias (Conv B, Gemm C) or "" when absent. MatMul has none.</summary>
    public string Bias => Node.OpType != "MatMul" && Node.Input.Count > 2 ? Node.Input[2] : "";
}

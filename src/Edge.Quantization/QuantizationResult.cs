using Edge.Onnx.Protos;

namespace Edge.Quantization;

/// <summary>The quantized model and what happened to each node.</summary>
public sealed record QuantizationResult(ModelProto Model, IReadOnlyList<NodeDecision> Decisions, long SizeBefore, long SizeAfter)
{
    public int QuantizedCount => Decisions.Count(d => d.Quantized);

    public int FloatCount => Decisions.Count(d => !d.Quantized);
}

namespace Edge.Quantization;

/// <summary>What the quantizer did with one node of the input model.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="OpType">Its op type.</param>
/// <param name="Quantized">Whether it now runs on int8 data.</param>
/// <param name="Reason">Why it stayed float (or how it was quantized).</param>
public sealed record NodeDecision(string Node, string OpType, bool Quantized, string Reason);

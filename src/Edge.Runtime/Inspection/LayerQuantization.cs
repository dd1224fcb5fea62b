namespace Edge.Runtime.Inspection;

/// <summary>How one compute layer is stored and run: precision (float/int8), granularity (per-tensor/per-channel) and scheme (static/dynamic, QDQ/QOperator).</summary>
public sealed record LayerQuantization(string Name, string OpType, string Precision, string Granularity, string Scheme);

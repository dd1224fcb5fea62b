using Edge.Runtime.Tensors;

namespace Edge.Runtime.Graphs;

/// <summary>One decoded node attribute.</summary>
public sealed record AttributeValue(
    AttributeKind Kind,
    float Float = 0,
    long Int = 0,
    string? String = null,
    Tensor? Tensor = null,
    float[]? Floats = null,
    long[]? Ints = null,
    string[]? Strings = null);

namespace Edge.Runtime.Graphs;

/// <summary>Attribute value kinds Edge reads.</summary>
public enum AttributeKind
{
    Float,
    Int,
    String,
    Tensor,
    Floats,
    Ints,
    Strings,
    Graph,
}

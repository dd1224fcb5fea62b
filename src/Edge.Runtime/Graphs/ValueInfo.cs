using Edge.Runtime.Tensors;

namespace Edge.Runtime.Graphs;

/// <summary>A declared graph input/output: type and a shape whose dims may be symbolic (null entries) or unknown (null shape).</summary>
public sealed record ValueInfo(string Name, DataType Type, int?[]? Dims, string?[]? DimNames = null)
{
    /// <summary>"[batch,3,224,224]" with symbolic names where the model has them.</summary>
    public string DescribeShape()
    {
        if (Dims is null)
            return "[?]";
        return "[" + string.Join(",", Dims.Select((d, i) => d?.ToString() ?? DimNames?[i] ?? "?")) + "]";
    }
}

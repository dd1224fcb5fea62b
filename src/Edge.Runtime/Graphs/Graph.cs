using Edge.Runtime.Tensors;

namespace Edge.Runtime.Graphs;

/// <summary>The runtime's mutable model graph: nodes, constant initializers and declared inputs/outputs.</summary>
public sealed class Graph
{
    public string Name { get; set; } = "";

    public List<Node> Nodes { get; } = [];

    /// <summary>Constant tensors by value name (initializers and folded <c>Constant</c> nodes).</summary>
    public Dictionary<string, Tensor> Initializers { get; } = new(StringComparer.Ordinal);

    /// <summary>Graph inputs that are not initializers: what the caller feeds.</summary>
    public List<ValueInfo> Inputs { get; } = [];

    public List<ValueInfo> Outputs { get; } = [];

    /// <summary>Imported opset version per domain ("" = ai.onnx).</summary>
    public Dictionary<string, int> OpsetImports { get; } = new(StringComparer.Ordinal);

    /// <summary>Model metadata kept for <c>edge inspect</c>.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public bool IsConstant(string valueName) => Initializers.ContainsKey(valueName);

    /// <summary>Names every node reads, counted (graph outputs count as one reader each).</summary>
    public Dictionary<string, int> CountConsumers()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in Nodes)
            foreach (string input in node.Inputs)
                if (input.Length > 0)
                    counts[input] = counts.GetValueOrDefault(input) + 1;
        foreach (var output in Outputs)
            counts[output.Name] = counts.GetValueOrDefault(output.Name) + 1;
        return counts;
    }

    /// <summary>The node producing each value.</summary>
    public Dictionary<string, Node> MapProducers()
    {
        var producers = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var node in Nodes)
            foreach (string output in node.Outputs)
                if (output.Length > 0)
                    producers[output] = node;
        return producers;
    }

    /// <summary>The nodes reading each value.</summary>
    public Dictionary<string, List<Node>> MapConsumers()
    {
        var consumers = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (var node in Nodes)
            foreach (string input in node.Inputs)
                if (input.Length > 0)
                {
                    if (!consumers.TryGetValue(input, out var list))
                        consumers[input] = list = [];
                    list.Add(node);
                }
        return consumers;
    }

    public bool IsGraphOutput(string valueName) => Outputs.Any(o => o.Name == valueName);
}

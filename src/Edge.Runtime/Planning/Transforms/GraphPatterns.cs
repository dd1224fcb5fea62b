using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>Small queries and edits the fusions share.</summary>
internal static class GraphPatterns
{
    /// <summary>The only node reading <paramref name="value"/>, or null when it has several readers or is a graph output.</summary>
    public static Node? SoleConsumer(Graph graph, string value)
    {
        if (graph.IsGraphOutput(value))
            return null;
        Node? found = null;
        foreach (var node in graph.Nodes)
            foreach (string input in node.Inputs)
                if (input == value)
                {
                    if (found is not null && found != node)
                        return null;
                    if (found == node)
                        return null; // read twice by one node
                    found = node;
                }
        return found;
    }

    public static Node? Producer(Graph graph, string value) =>
        value.Length == 0 ? null : graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(value));

    /// <summary>Whether <paramref name="node"/> is an ai.onnx op of this type.</summary>
    public static bool Is(Node? node, string opType) => node is not null && node.Domain.Length == 0 && node.OpType == opType;

    public static Tensor? Constant(Graph graph, string value) => value.Length == 0 ? null : graph.Initializers.GetValueOrDefault(value);

    /// <summary>Adds an initializer under a name not yet used in the graph.</summary>
    public static string AddInitializer(Graph graph, string hint, Tensor value)
    {
        string name = hint;
        for (int i = 1; graph.Initializers.ContainsKey(name) || graph.Nodes.Any(n => n.Outputs.Contains(name)); i++)
            name = $"{hint}_{i}";
        graph.Initializers[name] = value;
        return name;
    }

    /// <summary>Removes nodes none of whose outputs is read or is a graph output, repeatedly.</summary>
    public static bool RemoveDeadNodes(Graph graph)
    {
        bool changed = false;
        while (true)
        {
            var used = graph.CountConsumers();
            int removed = graph.Nodes.RemoveAll(n => n.Outputs.All(o => o.Length == 0 || !used.ContainsKey(o)));
            if (removed == 0)
                return changed;
            changed = true;
        }
    }

    /// <summary>Removes initializers nothing reads any more.</summary>
    public static void RemoveUnusedInitializers(Graph graph)
    {
        var used = graph.CountConsumers();
        foreach (string name in graph.Initializers.Keys.ToList())
            if (!used.ContainsKey(name))
                graph.Initializers.Remove(name);
    }

    /// <summary>The quantized type a QuantizeLinear produces: its zero point's type, uint8 when omitted.</summary>
    public static DataType? QuantizedType(Graph graph, Node quantize)
    {
        if (!quantize.HasInput(2))
            return DataType.UInt8;
        return Constant(graph, quantize.Input(2))?.Type;
    }
}

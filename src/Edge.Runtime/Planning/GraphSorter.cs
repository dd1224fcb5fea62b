using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning;

/// <summary>Orders a graph's nodes topologically, rejecting cycles, undefined inputs and values defined twice.</summary>
public static class GraphSorter
{
    /// <summary>Reorders <see cref="Graph.Nodes"/> in place so that every node follows its producers.</summary>
    public static void Sort(Graph graph)
    {
        var producers = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (string output in node.Outputs)
            {
                if (output.Length == 0)
                    continue;
                if (graph.Initializers.ContainsKey(output) || graph.Inputs.Any(i => i.Name == output))
                    throw new ModelException($"{node.Describe()}: output '{output}' is also a graph input or initializer");
                if (!producers.TryAdd(output, node))
                    throw new ModelException($"{node.Describe()}: output '{output}' is already produced by {producers[output].Describe()}");
            }

        var available = new HashSet<string>(graph.Initializers.Keys, StringComparer.Ordinal);
        foreach (var input in graph.Inputs)
            available.Add(input.Name);

        // Kahn's algorithm over value dependencies; stable so that the model's own order is kept
        // wherever it is already valid (keeps plans and logs predictable).
        var pending = new Dictionary<Node, int>();
        var readers = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            int missing = 0;
            foreach (string input in node.Inputs.Where(i => i.Length > 0).Distinct())
            {
                if (available.Contains(input))
                    continue;
                if (!producers.ContainsKey(input))
                    throw new ModelException($"{node.Describe()}: input '{input}' is not produced by any node, initializer or graph input (missing initializer?)");
                missing++;
                if (!readers.TryGetValue(input, out var list))
                    readers[input] = list = [];
                list.Add(node);
            }
            pending[node] = missing;
        }

        var order = new List<Node>(graph.Nodes.Count);
        var ready = new Queue<Node>(graph.Nodes.Where(n => pending[n] == 0));
        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            order.Add(node);
            foreach (string output in node.Outputs)
                if (output.Length > 0 && readers.TryGetValue(output, out var list))
                    foreach (var reader in list)
                        if (--pending[reader] == 0)
                            ready.Enqueue(reader);
        }

        if (order.Count != graph.Nodes.Count)
        {
            var stuck = graph.Nodes.Where(n => pending[n] > 0).ToList();
            throw new ModelException($"graph has a cycle through {stuck.Count} nodes, e.g. {stuck[0].Describe()}");
        }

        foreach (var output in graph.Outputs)
            if (!available.Contains(output.Name) && !producers.ContainsKey(output.Name))
                throw new ModelException($"graph output '{output.Name}' is not produced by any node");

        graph.Nodes.Clear();
        graph.Nodes.AddRange(order);
    }
}

using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>Replaces a matched group of nodes by one fused node at the position of the first.</summary>
internal static class QdqFusionEdits
{
    public static void Replace(Graph graph, IEnumerable<Node?> group, Node fused)
    {
        var nodes = group.OfType<Node>().ToList();
        int at = nodes.Select(n => graph.Nodes.IndexOf(n)).Where(i => i >= 0).Min();
        graph.Nodes.Insert(at, fused);
        foreach (var node in nodes)
            graph.Nodes.Remove(node);
    }
}

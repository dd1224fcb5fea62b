using Edge.Runtime.Graphs;

namespace Edge.Runtime.Planning;

/// <summary>One graph rewrite (a fusion, a removal). One per file, composed by <see cref="GraphOptimizer"/>.</summary>
public interface IGraphTransform
{
    /// <summary>Rewrites <paramref name="graph"/> in place; returns whether anything changed.</summary>
    bool Apply(Graph graph);
}

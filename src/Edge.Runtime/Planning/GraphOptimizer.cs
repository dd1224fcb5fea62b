using Edge.Runtime.Graphs;
using Edge.Runtime.Planning.Transforms;

namespace Edge.Runtime.Planning;

/// <summary>Runs the shape-independent graph transforms, in order, until none changes the graph.</summary>
public sealed class GraphOptimizer
{
    private readonly IReadOnlyList<IGraphTransform> _transforms;

    public GraphOptimizer(IReadOnlyList<IGraphTransform> transforms) => _transforms = transforms;

    /// <summary>The transforms every session applies.</summary>
    public static GraphOptimizer Default { get; } = new(
    [
        new ConstantFolding(Operators.OperatorRegistry.Default),
        new IdentityElimination(),
        new CastElimination(),
        new DynamicMatMulFusion(),
        new QdqConvFusion(),
        new QdqMatMulFusion(),
        new QdqGemmFusion(),
        new QdqBinaryFusion(),
        new QdqGlobalAveragePoolFusion(),
        new QdqConcatFusion(),
        new QdqDataMovementFusion(),
        new BatchNormFolding(),
        new MatMulScaleFusion(),
        new MatMulBiasFusion(),
        new ReshapeTransposeFusion(),
        new GeluFusion(),
        new LayerNormFusion(),
        new ActivationFusion(),
    ]);

    /// <summary>No transforms: the graph runs exactly as written (the float reading of a QDQ model).</summary>
    public static GraphOptimizer None { get; } = new([]);

    public void Optimize(Graph graph)
    {
        // Every transform is monotone (removes or merges nodes), so this terminates.
        for (int round = 0; round < 16; round++)
        {
            bool changed = false;
            foreach (var transform in _transforms)
                changed |= transform.Apply(graph);
            if (!changed)
                break;
            GraphSorter.Sort(graph);
        }
        GraphPatterns.RemoveDeadNodes(graph);
        GraphPatterns.RemoveUnusedInitializers(graph);
    }
}

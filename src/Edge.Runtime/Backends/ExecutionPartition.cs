namespace Edge.Runtime.Backends;

/// <summary>
/// Consecutive planned nodes that one backend runs as a single kernel. Values produced and consumed
/// inside stay on the backend's device; only <see cref="Inputs"/> cross in and <see cref="Outputs"/> cross out.
/// </summary>
public sealed class ExecutionPartition(IReadOnlyList<PartitionNode> nodes, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
{
    /// <summary>The nodes in execution order, with their operators and planned contexts (constant inputs included).</summary>
    public IReadOnlyList<PartitionNode> Nodes { get; } = nodes;

    /// <summary>Run-time values the partition reads from outside (graph inputs or other partitions' results), in kernel input order.</summary>
    public IReadOnlyList<string> Inputs { get; } = inputs;

    /// <summary>Values the partition produces that are used after it or are graph outputs, in kernel output order.</summary>
    public IReadOnlyList<string> Outputs { get; } = outputs;

    /// <summary>"first..last" node names, for profiles and errors.</summary>
    public string Describe() => Nodes.Count == 1 ? Nodes[0].Context.Node.Name : $"{Nodes[0].Context.Node.Name}..{Nodes[^1].Context.Node.Name}";
}

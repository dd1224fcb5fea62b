using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends;

/// <summary>One node of an <see cref="ExecutionPartition"/>: its operator and the context the planner inferred it in.</summary>
public sealed record PartitionNode(Operator Operator, NodeContext Context);

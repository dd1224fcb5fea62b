using Edge.Runtime.Backends;
using Edge.Runtime.Operators;
using Edge.Runtime.Planning;

namespace Edge.Runtime.Sessions;

/// <summary>How a session plans and runs a model.</summary>
public sealed class SessionOptions
{
    /// <summary>Intra-op threads (1 = run on the caller's thread only).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Backends in preference order; the CPU backend is always appended as the fallback.</summary>
    public IReadOnlyList<ExecutionBackend> Backends { get; init; } = [];

    public OperatorRegistry Registry { get; init; } = OperatorRegistry.Default;

    public GraphOptimizer Optimizer { get; init; } = GraphOptimizer.Default;

    /// <summary>How many distinct input-shape plans to keep (each holds its own arena).</summary>
    public int MaxCachedPlans { get; init; } = 4;
}

using Edge.Runtime.Backends;
using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;

namespace Edge.Runtime.Planning;

/// <summary>One kernel in a plan, with the value slots it reads and writes and its cost model.</summary>
public sealed record ExecutionStep(
    Node Node,
    Kernel Kernel,
    ExecutionBackend Backend,
    int[] InputSlots,
    int[] OutputSlots,
    long Operations,
    long WeightBytes,
    long ActivationBytes);

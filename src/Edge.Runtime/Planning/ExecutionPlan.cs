using System.Collections.Concurrent;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning;

/// <summary>
/// A graph compiled for one set of input shapes: kernels in order, value slots and the arena
/// layout. Immutable and shared by concurrent runs; each run rents an <see cref="ExecutionState"/>.
/// </summary>
public sealed class ExecutionPlan
{
    private readonly ConcurrentBag<ExecutionState> _states = [];

    internal ExecutionPlan(IReadOnlyList<ValueSlot> slots, IReadOnlyList<ExecutionStep> steps, int[] inputSlots, int[] outputSlots, int arenaBytes, int workspaceBytes, int partitions)
    {
        Slots = slots;
        Steps = steps;
        InputSlots = inputSlots;
        OutputSlots = outputSlots;
        ArenaBytes = arenaBytes;
        WorkspaceBytes = workspaceBytes;
        Partitions = partitions;
    }

    public IReadOnlyList<ValueSlot> Slots { get; }

    public IReadOnlyList<ExecutionStep> Steps { get; }

    /// <summary>Slot of each graph input, in graph order.</summary>
    public int[] InputSlots { get; }

    /// <summary>Slot of each graph output, in graph order.</summary>
    public int[] OutputSlots { get; }

    /// <summary>Bytes of the activation arena one run needs.</summary>
    public int ArenaBytes { get; }

    public int WorkspaceBytes { get; }

    /// <summary>Runs of consecutive steps on one backend.</summary>
    public int Partitions { get; }

    /// <summary>Arithmetic operations per inference.</summary>
    public long Operations => Steps.Sum(s => s.Operations);

    /// <summary>Constant bytes (weights) read per inference.</summary>
    public long WeightBytes => Steps.Sum(s => s.WeightBytes);

    /// <summary>Activation bytes read and written per inference.</summary>
    public long ActivationBytes => Steps.Sum(s => s.ActivationBytes);

    /// <summary>Runs the plan: binds inputs, executes every step, returns the output tensors of the rented state.</summary>
    internal void Execute(ReadOnlySpan<Tensor> inputs, Span<Tensor> outputs, ParallelRunner parallel, long[]? stepTicks = null)
    {
        var state = _states.TryTake(out var s) ? s : new ExecutionState(this);
        try
        {
            for (int i = 0; i < InputSlots.Length; i++)
                state.Values[InputSlots[i]] = inputs[i];
            if (stepTicks is null)
            {
                foreach (var step in Steps)
                    step.Kernel.Execute(new KernelContext(state.Values, step.InputSlots, step.OutputSlots, state.Workspace, parallel));
            }
            else
            {
                for (int i = 0; i < Steps.Count; i++)
                {
                    var step = Steps[i];
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    step.Kernel.Execute(new KernelContext(state.Values, step.InputSlots, step.OutputSlots, state.Workspace, parallel));
                    stepTicks[i] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
                }
            }
            for (int i = 0; i < OutputSlots.Length; i++)
            {
                var value = state.Values[OutputSlots[i]]!;
                if (outputs[i] is null || !outputs[i].Shape.Equals(value.Shape) || outputs[i].Type != value.Type)
                    outputs[i] = value.Clone();
                else
                    value.Bytes.CopyTo(outputs[i].Bytes);
            }
        }
        finally
        {
            for (int i = 0; i < InputSlots.Length; i++)
                state.Values[InputSlots[i]] = null;
            _states.Add(state);
        }
    }
}

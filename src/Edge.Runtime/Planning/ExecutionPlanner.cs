using Edge.Runtime.Backends;
using Edge.Runtime.Backends.Cpu;
using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning;

/// <summary>
/// Compiles a (sorted, fused) graph for concrete input shapes: infers every value's type and shape,
/// folds nodes whose inputs are all constant (which resolves Shape→Gather→Concat chains), assigns
/// backends, prepares kernels and lays activations into a shared arena.
/// </summary>
public sealed class ExecutionPlanner
{
    private readonly OperatorRegistry _registry;
    private readonly IReadOnlyList<ExecutionBackend> _backends;

    public ExecutionPlanner(OperatorRegistry registry, IReadOnlyList<ExecutionBackend> backends)
    {
        _registry = registry;
        _backends = backends.Contains(CpuBackend.Instance) ? backends : [.. backends, CpuBackend.Instance];
    }

    /// <summary>Plans <paramref name="graph"/> for inputs of the given types and shapes (graph input order).</summary>
    public ExecutionPlan Plan(Graph graph, IReadOnlyList<(DataType Type, TensorShape Shape)> inputs)
    {
        var slots = new List<ValueSlot>();
        var slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var constants = new Dictionary<string, Tensor>(graph.Initializers, StringComparer.Ordinal);

        var inputSlots = new int[graph.Inputs.Count];
        for (int i = 0; i < graph.Inputs.Count; i++)
        {
            slotOf[graph.Inputs[i].Name] = slots.Count;
            inputSlots[i] = slots.Count;
            slots.Add(new ValueSlot(graph.Inputs[i].Name, inputs[i].Type, inputs[i].Shape, null, true, 0));
        }

        int SlotFor(string name)
        {
            if (slotOf.TryGetValue(name, out int slot))
                return slot;
            var constant = constants[name];
            slotOf[name] = slots.Count;
            slots.Add(new ValueSlot(name, constant.Type, constant.Shape, constant, false, 0));
            return slots.Count - 1;
        }

        var pendingSteps = new List<(Node Node, Operator Op, NodeContext Context, ExecutionBackend Backend, Kernel Kernel)>();
        foreach (var node in graph.Nodes)
        {
            var op = _registry.Resolve(node);
            var context = BuildContext(node, slots, slotOf, constants);
            try
            {
                op.InferOutputs(context);
                for (int o = 0; o < node.Outputs.Count; o++)
                    if (node.Outputs[o].Length > 0 && !context.IsOutputInferred(o))
                        throw context.Fail($"output {o} '{node.Outputs[o]}' was not inferred");

                if (op.CanFold && TryUseKnownOutputs(context, constants))
                    continue;

                bool allConstant = Enumerable.Range(0, context.InputCount).All(i => !context.HasInput(i) || context.InputValue(i) is not null);
                if (op.CanFold && allConstant && context.InputCount > 0)
                {
                    Fold(op, context, constants);
                    continue;
                }

                var backend = _backends.First(b => b.Supports(op, context));
                var kernel = backend.CreateKernel(op, context);
                for (int o = 0; o < node.Outputs.Count; o++)
                    if (node.Outputs[o].Length > 0)
                    {
                        slotOf[node.Outputs[o]] = slots.Count;
                        slots.Add(new ValueSlot(node.Outputs[o], context.OutputType(o), context.OutputShape(o), null, false, 0));
                    }
                pendingSteps.Add((node, op, context, backend, kernel));
            }
            catch (ModelException)
            {
                throw;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException or NotSupportedException)
            {
                throw context.Fail(e.Message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // An operator bug must still surface as an error naming the node, not take the agent down.
                throw context.Fail($"internal error while planning ({e.GetType().Name}: {e.Message})");
            }
        }

        // Outputs that fold to constants or are graph inputs still need a slot.
        var outputSlots = graph.Outputs.Select(o => slotOf.TryGetValue(o.Name, out int s) ? s : SlotFor(o.Name)).ToArray();

        var steps = new List<ExecutionStep>(pendingSteps.Count);
        foreach (var (node, op, context, backend, kernel) in pendingSteps)
        {
            var inSlots = node.Inputs.Select(n => n.Length == 0 ? -1 : SlotFor(n)).ToArray();
            var outSlots = node.Outputs.Select(n => n.Length == 0 ? -1 : slotOf[n]).ToArray();
            long weights = inSlots.Where(s => s >= 0 && slots[s].Constant is not null).Sum(s => (long)slots[s].ByteLength);
            long activations = inSlots.Concat(outSlots).Where(s => s >= 0 && slots[s].Constant is null).Sum(s => (long)slots[s].ByteLength);
            steps.Add(new ExecutionStep(node, kernel, backend, inSlots, outSlots, op.CountOperations(context), weights, activations));
        }

        int arenaBytes = LayOutArena(slots, steps, outputSlots);
        int workspace = steps.Count == 0 ? 0 : steps.Max(s => s.Kernel.WorkspaceBytes);
        int partitions = 0;
        for (int i = 0; i < steps.Count; i++)
            if (i == 0 || steps[i].Backend != steps[i - 1].Backend)
                partitions++;
        return new ExecutionPlan(slots, steps, inputSlots, outputSlots, arenaBytes, workspace, partitions);
    }

    internal static NodeContext BuildContext(Node node, List<ValueSlot> slots, Dictionary<string, int> slotOf, Dictionary<string, Tensor> constants)
    {
        int n = node.Inputs.Count;
        var types = new DataType[n];
        var shapes = new TensorShape?[n];
        var values = new Tensor?[n];
        for (int i = 0; i < n; i++)
        {
            string name = node.Inputs[i];
            if (name.Length == 0)
                continue;
            if (constants.TryGetValue(name, out var constant))
            {
                types[i] = constant.Type;
                shapes[i] = constant.Shape;
                values[i] = constant;
            }
            else if (slotOf.TryGetValue(name, out int slot))
            {
                types[i] = slots[slot].Type;
                shapes[i] = slots[slot].Shape;
            }
            else
            {
                throw new ModelException($"{node.Describe()}: input '{name}' is not defined before it is used");
            }
        }
        return new NodeContext(node, types, shapes, values);
    }

    /// <summary>Records outputs the operator could compute from shapes alone as constants; false unless all are known.</summary>
    private static bool TryUseKnownOutputs(NodeContext context, Dictionary<string, Tensor> constants)
    {
        var outputs = context.Node.Outputs;
        bool anyKnown = false;
        for (int o = 0; o < outputs.Count; o++)
        {
            if (outputs[o].Length == 0)
                continue;
            if (context.OutputValue(o) is null)
                return false;
            anyKnown = true;
        }
        if (!anyKnown)
            return false;
        for (int o = 0; o < outputs.Count; o++)
            if (outputs[o].Length > 0)
                constants[outputs[o]] = context.OutputValue(o)!;
        return true;
    }

    private static void Fold(Operator op, NodeContext context, Dictionary<string, Tensor> constants)
    {
        var outputs = ConstantEvaluator.Evaluate(op, context);
        for (int o = 0; o < outputs.Length; o++)
            if (outputs[o] is { } value)
                constants[context.Node.Outputs[o]] = value;
    }

    private static int LayOutArena(List<ValueSlot> slots, List<ExecutionStep> steps, int[] outputSlots)
    {
        var arenaSlots = Enumerable.Range(0, slots.Count).Where(s => slots[s].Constant is null && !slots[s].IsGraphInput).ToArray();
        var index = new Dictionary<int, int>();
        for (int i = 0; i < arenaSlots.Length; i++)
            index[arenaSlots[i]] = i;
        var sizes = arenaSlots.Select(s => slots[s].ByteLength).ToArray();
        var first = new int[arenaSlots.Length];
        var last = new int[arenaSlots.Length];
        for (int t = 0; t < steps.Count; t++)
        {
            foreach (int s in steps[t].OutputSlots)
                if (s >= 0 && index.TryGetValue(s, out int v))
                    first[v] = last[v] = t;
        }
        for (int t = 0; t < steps.Count; t++)
            foreach (int s in steps[t].InputSlots)
                if (s >= 0 && index.TryGetValue(s, out int v))
                    last[v] = Math.Max(last[v], t);
        foreach (int s in outputSlots)
            if (index.TryGetValue(s, out int v))
                last[v] = int.MaxValue;

        var (offsets, arenaBytes) = MemoryPlanner.Plan(sizes, first, last);
        for (int i = 0; i < arenaSlots.Length; i++)
            slots[arenaSlots[i]] = slots[arenaSlots[i]] with { ArenaOffset = offsets[i] };
        return arenaBytes;
    }
}

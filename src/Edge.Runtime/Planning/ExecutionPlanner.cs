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

        var pendingSteps = new List<(Node Node, Operator Op, NodeContext Context, ExecutionBackend Backend, Kernel? Kernel)>();
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
                // Partition backends build one kernel per run of nodes once every node is planned.
                var kernel = backend.UsesPartitions ? null : backend.CreateKernel(op, context);
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
        for (int i = 0; i < pendingSteps.Count;)
        {
            var (node, op, context, backend, kernel) = pendingSteps[i];
            if (kernel is not null)
            {
                var inSlots = node.Inputs.Select(n => n.Length == 0 ? -1 : SlotFor(n)).ToArray();
                var outSlots = node.Outputs.Select(n => n.Length == 0 ? -1 : slotOf[n]).ToArray();
                steps.Add(new ExecutionStep(node, kernel, backend, inSlots, outSlots, op.CountOperations(context), WeightBytes(inSlots), ActivationBytes(inSlots, outSlots)));
                i++;
                continue;
            }
            int end = i + 1;
            while (end < pendingSteps.Count && pendingSteps[end].Backend == backend)
                end++;
            steps.Add(PartitionStep(graph, pendingSteps.GetRange(i, end - i).Select(p => (p.Op, p.Context)).ToList(), backend,
                pendingSteps.Skip(end).SelectMany(p => p.Node.Inputs), SlotFor, WeightBytes, ActivationBytes));
            i = end;
        }

        long WeightBytes(int[] inSlots) => inSlots.Where(s => s >= 0 && slots[s].Constant is not null).Sum(s => (long)slots[s].ByteLength);
        long ActivationBytes(int[] inSlots, int[] outSlots) => inSlots.Concat(outSlots).Where(s => s >= 0 && slots[s].Constant is null).Sum(s => (long)slots[s].ByteLength);

        int arenaBytes = LayOutArena(slots, steps, outputSlots);
        int workspace = steps.Count == 0 ? 0 : steps.Max(s => s.Kernel.WorkspaceBytes);
        int partitions = 0;
        for (int i = 0; i < steps.Count; i++)
            if (i == 0 || steps[i].Backend != steps[i - 1].Backend)
                partitions++;
        return new ExecutionPlan(slots, steps, inputSlots, outputSlots, arenaBytes, workspace, partitions);
    }

    /// <summary>
    /// One step for a run of nodes on a partition backend: its inputs are the run-time values that enter
    /// the run, its outputs those used later or returned; the values in between never reach the host.
    /// </summary>
    private static ExecutionStep PartitionStep(Graph graph, List<(Operator Op, NodeContext Context)> run, ExecutionBackend backend,
        IEnumerable<string> laterInputs, Func<string, int> slotFor, Func<int[], long> weightBytes, Func<int[], int[], long> activationBytes)
    {
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<string>();
        foreach (var (_, context) in run)
        {
            for (int i = 0; i < context.Node.Inputs.Count; i++)
                if (context.HasInput(i) && context.InputValue(i) is null && !produced.Contains(context.Node.Inputs[i]) && !inputs.Contains(context.Node.Inputs[i]))
                    inputs.Add(context.Node.Inputs[i]);
            produced.UnionWith(context.Node.Outputs.Where(o => o.Length > 0));
        }
        var usedLater = new HashSet<string>(laterInputs, StringComparer.Ordinal);
        usedLater.UnionWith(graph.Outputs.Select(o => o.Name));
        var outputs = run.SelectMany(r => r.Context.Node.Outputs).Where(o => o.Length > 0 && usedLater.Contains(o)).ToList();

        var partition = new ExecutionPartition(run.Select(r => new PartitionNode(r.Op, r.Context)).ToList(), inputs, outputs);
        Kernel kernel;
        try
        {
            kernel = backend.CreatePartitionKernel(partition);
        }
        catch (Exception e) when (e is not ModelException and not OutOfMemoryException)
        {
            throw new ModelException($"{backend.Name} partition {partition.Describe()}: {e.Message}");
        }
        long operations = 0, weights = 0, activations = 0;
        foreach (var (op, context) in run)
        {
            var inSlots = context.Node.Inputs.Select(n => n.Length == 0 ? -1 : slotFor(n)).ToArray();
            var outSlots = context.Node.Outputs.Select(n => n.Length == 0 ? -1 : slotFor(n)).ToArray();
            operations += op.CountOperations(context);
            weights += weightBytes(inSlots);
            activations += activationBytes(inSlots, outSlots);
        }
        var node = new Node(partition.Describe(), "Partition", "", inputs, outputs);
        return new ExecutionStep(node, kernel, backend, inputs.Select(slotFor).ToArray(), outputs.Select(slotFor).ToArray(), operations, weights, activations);
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
        // Values that live only inside a device partition get no host memory (offset −1).
        var touched = new HashSet<int>(steps.SelectMany(s => s.InputSlots.Concat(s.OutputSlots)).Concat(outputSlots));
        var arenaSlots = Enumerable.Range(0, slots.Count).Where(s => slots[s].Constant is null && !slots[s].IsGraphInput && touched.Contains(s)).ToArray();
        for (int s = 0; s < slots.Count; s++)
            if (slots[s].Constant is null && !slots[s].IsGraphInput && !touched.Contains(s))
                slots[s] = slots[s] with { ArenaOffset = -1 };
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

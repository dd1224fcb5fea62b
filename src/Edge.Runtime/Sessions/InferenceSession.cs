using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;
using Edge.Runtime.Planning;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Sessions;

/// <summary>
/// A loaded model ready to run. Plans are made per distinct input shape and cached, so steady-state
/// runs allocate nothing but their result tensors. Thread-safe: concurrent runs use separate arenas.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly ExecutionPlanner _planner;
    private readonly ParallelRunner _parallel;
    private readonly Dictionary<string, ExecutionPlan> _plans = new(StringComparer.Ordinal);
    private readonly Lock _planLock = new();

    public InferenceSession(Graph graph, SessionOptions? options = null)
    {
        _options = options ?? new SessionOptions();
        Graph = graph;
        foreach (var node in graph.Nodes)
            _options.Registry.Resolve(node);
        GraphSorter.Sort(graph);
        _options.Optimizer.Optimize(graph);
        _planner = new ExecutionPlanner(_options.Registry, _options.Backends);
        _parallel = _options.Threads == 1 ? ParallelRunner.Sequential : new ParallelRunner(_options.Threads);

        // Models with fully static inputs are planned now, so that every shape or kernel error
        // surfaces at load time rather than on the first request.
        if (graph.Inputs.All(i => i.Dims is not null && i.Dims.All(d => d is not null)))
            GetPlan(graph.Inputs.Select(i => (i.Type, new TensorShape(i.Dims!.Select(d => d!.Value).ToArray()))).ToList());
    }

    /// <summary>Reads, validates and plans an ONNX model file.</summary>
    public static InferenceSession Load(string path, SessionOptions? options = null)
    {
        var model = OnnxModelReader.ReadModel(path);
        return new InferenceSession(GraphImporter.Import(model), options);
    }

    /// <summary>The optimised graph the session runs.</summary>
    public Graph Graph { get; }

    public IReadOnlyList<ValueInfo> Inputs => Graph.Inputs;

    public IReadOnlyList<ValueInfo> Outputs => Graph.Outputs;

    public int Threads => _options.Threads;

    /// <summary>Runs the model on named inputs; returns outputs by name (fresh tensors the caller owns).</summary>
    public Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var ordered = OrderInputs(inputs);
        var outputs = new Tensor[Graph.Outputs.Count];
        Run(ordered, outputs);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < outputs.Length; i++)
            result[Graph.Outputs[i].Name] = outputs[i];
        return result;
    }

    /// <summary>
    /// Runs on inputs in graph order, writing into <paramref name="outputs"/>: entries that already
    /// have the right type and shape are overwritten in place (no allocation), others are replaced.
    /// </summary>
    public void Run(ReadOnlySpan<Tensor> inputs, Span<Tensor> outputs)
    {
        if (inputs.Length != Graph.Inputs.Count)
            throw new ModelException($"model takes {Graph.Inputs.Count} inputs ({string.Join(", ", Graph.Inputs.Select(i => i.Name))}), got {inputs.Length}");
        if (outputs.Length != Graph.Outputs.Count)
            throw new ArgumentException($"model has {Graph.Outputs.Count} outputs, got room for {outputs.Length}");
        var key = new (DataType, TensorShape)[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            CheckInput(Graph.Inputs[i], inputs[i]);
            key[i] = (inputs[i].Type, inputs[i].Shape);
        }
        GetPlan(key).Execute(inputs, outputs, _parallel);
    }

    /// <summary>
    /// Runs like <see cref="Run(ReadOnlySpan{Tensor}, Span{Tensor})"/> and adds each kernel's
    /// Stopwatch ticks to <paramref name="stepTicks"/> (indexed like the plan's steps): the profiler.
    /// </summary>
    public void RunProfiled(ReadOnlySpan<Tensor> inputs, Span<Tensor> outputs, long[] stepTicks)
    {
        var key = new (DataType, TensorShape)[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            CheckInput(Graph.Inputs[i], inputs[i]);
            key[i] = (inputs[i].Type, inputs[i].Shape);
        }
        var plan = GetPlan(key);
        if (stepTicks.Length < plan.Steps.Count)
            throw new ArgumentException($"stepTicks has {stepTicks.Length} entries; the plan has {plan.Steps.Count} steps");
        plan.Execute(inputs, outputs, _parallel, stepTicks);
    }

    /// <summary>The plan for inputs of these types and shapes (made on first use).</summary>
    public ExecutionPlan GetPlan(IReadOnlyList<(DataType Type, TensorShape Shape)> inputs)
    {
        string key = string.Join(";", inputs.Select(i => $"{(int)i.Type}{i.Shape}"));
        lock (_planLock)
        {
            if (_plans.TryGetValue(key, out var plan))
                return plan;
            plan = _planner.Plan(Graph, inputs);
            if (_plans.Count >= _options.MaxCachedPlans)
                _plans.Remove(_plans.Keys.First());
            _plans[key] = plan;
            return plan;
        }
    }

    /// <summary>Stops the session's intra-op worker threads.</summary>
    public void Dispose()
    {
        if (_parallel != ParallelRunner.Sequential)
            _parallel.Dispose();
    }

    /// <summary>Inputs by name in graph order; fails naming a missing or unknown input.</summary>
    public Tensor[] OrderInputs(IReadOnlyDictionary<string, Tensor> inputs)
    {
        foreach (string name in inputs.Keys)
            if (!Graph.Inputs.Any(i => i.Name == name))
                throw new ModelException($"input '{name}' is not an input of this model (inputs: {string.Join(", ", Graph.Inputs.Select(i => i.Name))})");
        return Graph.Inputs
            .Select(i => inputs.TryGetValue(i.Name, out var t) ? t : throw new ModelException($"missing input '{i.Name}' ({i.Type.OnnxName()}{i.DescribeShape()})"))
            .ToArray();
    }

    private static void CheckInput(ValueInfo declared, Tensor actual)
    {
        if (actual.Type != declared.Type)
            throw new ModelException($"input '{declared.Name}' has type {actual.Type.OnnxName()}, model expects {declared.Type.OnnxName()}");
        if (declared.Dims is null)
            return;
        bool matches = declared.Dims.Length == actual.Shape.Rank;
        for (int d = 0; matches && d < declared.Dims.Length; d++)
            matches = declared.Dims[d] is null || declared.Dims[d] == actual.Shape[d];
        if (!matches)
            throw new ModelException($"input '{declared.Name}' has shape {actual.Shape}, model expects {declared.DescribeShape()}");
    }
}

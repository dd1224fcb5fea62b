using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;
using Google.Protobuf;

namespace Edge.Quantization.Graph;

/// <summary>
/// Small editing helpers over a <see cref="GraphProto"/>: initializer lookup, producers and
/// consumers, fresh names and node creation. Lookups are computed on demand, so they stay right
/// while the graph is edited.
/// </summary>
internal sealed class GraphEditor
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphEditor(ModelProto model)
    {
        Model = model;
        GraphProto = model.Graph ?? throw new QuantizationException("model has no graph");
        foreach (var i in GraphProto.Initializer) _names.Add(i.Name);
        foreach (var i in GraphProto.Input) _names.Add(i.Name);
        foreach (var n in GraphProto.Node)
        {
            _names.Add(n.Name);
            foreach (var o in n.Output) _names.Add(o);
        }
    }

    public ModelProto Model { get; }

    public GraphProto GraphProto { get; }

    /// <summary>The ai.onnx opset the model imports.</summary>
    public long OnnxOpset => Model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    public TensorProto? Initializer(string name) => name.Length == 0 ? null : GraphProto.Initializer.FirstOrDefault(i => i.Name == name);

    public bool IsInitializer(string name) => Initializer(name) is not null;

    /// <summary>A float initializer's values; null when <paramref name="name"/> is not a float initializer.</summary>
    public Tensor? FloatInitializer(string name) =>
        Initializer(name) is { DataType: (int)DataType.Float32 } proto ? TensorProtoConverter.ToTensor(proto, $"initializer '{name}'") : null;

    public NodeProto? Producer(string value) => GraphProto.Node.FirstOrDefault(n => n.Output.Contains(value));

    public List<NodeProto> Consumers(string value) => GraphProto.Node.Where(n => n.Input.Contains(value)).ToList();

    public bool IsGraphOutput(string value) => GraphProto.Output.Any(o => o.Name == value);

    public bool IsGraphInput(string value) => GraphProto.Input.Any(i => i.Name == value) && !IsInitializer(value);

    /// <summary>A name not used anywhere in the graph, based on <paramref name="hint"/>.</summary>
    public string FreshName(string hint)
    {
        string name = hint;
        for (int k = 1; !_names.Add(name); k++)
            name = $"{hint}_{k}";
        return name;
    }

    public string AddInitializer(string hint, Tensor value)
    {
        string name = FreshName(hint);
        GraphProto.Initializer.Add(TensorProtoConverter.ToProto(value, name));
        return name;
    }

    public NodeProto AddNode(string opType, string nameHint, IEnumerable<string> inputs, IEnumerable<string> outputs, string domain = "")
    {
        var node = new NodeProto { OpType = opType, Name = FreshName(nameHint), Domain = domain };
        node.Input.AddRange(inputs);
        foreach (string output in outputs)
        {
            _names.Add(output);
            node.Output.Add(output);
        }
        GraphProto.Node.Add(node);
        return node;
    }

    /// <summary>Makes every consumer of <paramref name="from"/> except <paramref name="keep"/> read <paramref name="to"/>.</summary>
    public void RedirectConsumers(string from, string to, NodeProto? keep = null)
    {
        foreach (var node in GraphProto.Node)
        {
            if (ReferenceEquals(node, keep))
                continue;
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == from)
                    node.Input[i] = to;
        }
    }

    public void EnsureOpsetImport(string domain, long version)
    {
        if (!Model.OpsetImport.Any(o => o.Domain == domain))
            Model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
    }

    /// <summary>Drops initializers that no node reads and that are not graph inputs or outputs.</summary>
    public void RemoveUnusedInitializers()
    {
        var used = new HashSet<string>(GraphProto.Node.SelectMany(n => n.Input), StringComparer.Ordinal);
        foreach (var o in GraphProto.Output) used.Add(o.Name);
        for (int i = GraphProto.Initializer.Count - 1; i >= 0; i--)
        {
            string name = GraphProto.Initializer[i].Name;
            if (!used.Contains(name))
            {
                GraphProto.Initializer.RemoveAt(i);
                for (int j = GraphProto.Input.Count - 1; j >= 0; j--)
                    if (GraphProto.Input[j].Name == name)
                        GraphProto.Input.RemoveAt(j);
            }
        }
    }

    /// <summary>Reorders nodes topologically (ONNX requires it); stable for nodes already in order.</summary>
    public void SortTopologically()
    {
        var available = new HashSet<string>(GraphProto.Initializer.Select(i => i.Name), StringComparer.Ordinal);
        foreach (var i in GraphProto.Input) available.Add(i.Name);
        available.Add("");
        var pending = GraphProto.Node.ToList();
        var ordered = new List<NodeProto>(pending.Count);
        while (pending.Count > 0)
        {
            int before = ordered.Count;
            for (int i = 0; i < pending.Count; i++)
            {
                var node = pending[i];
                if (!node.Input.All(available.Contains))
                    continue;
                ordered.Add(node);
                foreach (string o in node.Output) available.Add(o);
                pending.RemoveAt(i);
                i = -1;
            }
            if (ordered.Count == before)
                throw new QuantizationException($"graph has a cycle or an undefined input at node '{pending[0].Name}' ({pending[0].OpType}): inputs {string.Join(", ", pending[0].Input.Where(x => !available.Contains(x)))}");
        }
        GraphProto.Node.Clear();
        GraphProto.Node.AddRange(ordered);
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, I = value, Type = AttributeProto.Types.AttributeType.Int };

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, F = value, Type = AttributeProto.Types.AttributeType.Float };

    public static long GetInt(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    public static float GetFloat(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    /// <summary>The serialized size in bytes (what the model file will take).</summary>
    public static long SizeOf(IMessage message) => message.CalculateSize();
}

using Edge.Runtime.Graphs;

namespace Edge.Runtime.Operators;

/// <summary>Operators by domain, type and opset. Categories register themselves one line per op; nothing is discovered by reflection.</summary>
public sealed class OperatorRegistry
{
    private readonly Dictionary<(string Domain, string OpType), List<Operator>> _operators = new();

    /// <summary>Every operator Edge ships.</summary>
    public static OperatorRegistry Default { get; } = CreateDefault();

    public static OperatorRegistry CreateDefault()
    {
        var registry = new OperatorRegistry();
        OperatorCategories.RegisterAll(registry);
        return registry;
    }

    public void Add(Operator op)
    {
        var key = (op.Domain, op.OpType);
        if (!_operators.TryGetValue(key, out var list))
            _operators[key] = list = [];
        if (list.Any(o => o.MinOpset <= op.MaxOpset && op.MinOpset <= o.MaxOpset))
            throw new InvalidOperationException($"{op.Domain}.{op.OpType} registered twice for overlapping opsets");
        list.Add(op);
    }

    public IEnumerable<Operator> All => _operators.Values.SelectMany(l => l).OrderBy(o => o.Domain).ThenBy(o => o.OpType);

    /// <summary>The operator for a node, or null.</summary>
    public Operator? Find(string domain, string opType, int opset) =>
        _operators.TryGetValue((domain, opType), out var list)
            ? list.FirstOrDefault(o => opset >= o.MinOpset && opset <= o.MaxOpset)
            : null;

    /// <summary>The operator for a node; fails naming node, op and opset, and why.</summary>
    public Operator Resolve(Node node)
    {
        if (Find(node.Domain, node.OpType, node.Opset) is { } op)
            return op;
        if (_operators.TryGetValue((node.Domain, node.OpType), out var list))
            throw new ModelException($"{node.Describe()}: opset {node.Opset} is not supported for {node.OpType} (Edge implements opsets {string.Join(", ", list.Select(o => $"{o.MinOpset}–{o.MaxOpset}"))})");
        throw new ModelException($"{node.Describe()}: unsupported operator '{(node.Domain.Length == 0 ? "" : node.Domain + ".")}{node.OpType}'");
    }
}

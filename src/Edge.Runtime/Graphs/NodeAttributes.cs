using Edge.Runtime.Tensors;

namespace Edge.Runtime.Graphs;

/// <summary>A node's attributes with typed getters whose errors name the node and attribute.</summary>
public sealed class NodeAttributes
{
    private readonly Dictionary<string, AttributeValue> _values = new(StringComparer.Ordinal);

    /// <summary>Describes the owning node for error messages.</summary>
    internal Func<string> Owner { get; set; } = () => "node";

    public IEnumerable<string> Names => _values.Keys;

    public int Count => _values.Count;

    public bool Contains(string name) => _values.ContainsKey(name);

    public AttributeValue? Get(string name) => _values.GetValueOrDefault(name);

    public void Set(string name, AttributeValue value) => _values[name] = value;

    public bool Remove(string name) => _values.Remove(name);

    public long GetInt(string name, long defaultValue) =>
        _values.TryGetValue(name, out var v) ? Expect(v, name, AttributeKind.Int).Int : defaultValue;

    public long GetInt(string name) => Expect(Require(name), name, AttributeKind.Int).Int;

    public float GetFloat(string name, float defaultValue) =>
        _values.TryGetValue(name, out var v) ? Expect(v, name, AttributeKind.Float).Float : defaultValue;

    public string GetString(string name, string defaultValue) =>
        _values.TryGetValue(name, out var v) ? Expect(v, name, AttributeKind.String).String! : defaultValue;

    public long[]? GetInts(string name) =>
        _values.TryGetValue(name, out var v) ? Expect(v, name, AttributeKind.Ints).Ints : null;

    public float[]? GetFloats(string name) =>
        _values.TryGetValue(name, out var v) ? Expect(v, name, AttributeKind.Floats).Floats : null;

    public string[]? GetStrings(string name) =>
        _values.TryGetValue(name, out var v) ? Expect(v, name, AttributeKind.Strings).Strings : null;

    public Tensor? GetTensor(string name) =>
        _values.TryGetValue(name, out var v) ? Expect(v, name, AttributeKind.Tensor).Tensor : null;

    public NodeAttributes Clone()
    {
        var copy = new NodeAttributes { Owner = Owner };
        foreach (var (k, v) in _values)
            copy._values[k] = v;
        return copy;
    }

    private AttributeValue Require(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new ModelException($"{Owner()}: required attribute '{name}' is missing");

    private AttributeValue Expect(AttributeValue value, string name, AttributeKind kind)
    {
        if (value.Kind == kind)
            return value;
        // ONNX writers sometimes store a one-element list where a scalar is expected and vice versa.
        if (kind == AttributeKind.Ints && value.Kind == AttributeKind.Int)
            return value with { Kind = AttributeKind.Ints, Ints = [value.Int] };
        if (kind == AttributeKind.Floats && value.Kind == AttributeKind.Float)
            return value with { Kind = AttributeKind.Floats, Floats = [value.Float] };
        throw new ModelException($"{Owner()}: attribute '{name}' is {value.Kind}, expected {kind}");
    }
}

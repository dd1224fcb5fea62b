using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators;

/// <summary>
/// A node as the planner sees it at concrete shapes: input types, shapes and (when constant) values;
/// the operator fills in output types and shapes, then prepares its kernel from the same context.
/// </summary>
public sealed class NodeContext
{
    private readonly DataType[] _inputTypes;
    private readonly TensorShape?[] _inputShapes;
    private readonly Tensor?[] _inputValues;
    private readonly DataType[] _outputTypes;
    private readonly TensorShape?[] _outputShapes;
    private readonly Tensor?[] _outputValues;

    public NodeContext(Node node, DataType[] inputTypes, TensorShape?[] inputShapes, Tensor?[] inputValues)
    {
        Node = node;
        _inputTypes = inputTypes;
        _inputShapes = inputShapes;
        _inputValues = inputValues;
        _outputTypes = new DataType[node.Outputs.Count];
        _outputShapes = new TensorShape?[node.Outputs.Count];
        _outputValues = new Tensor?[node.Outputs.Count];
    }

    public Node Node { get; }

    public int Opset => Node.Opset;

    public NodeAttributes Attributes => Node.Attributes;

    /// <summary>Number of input slots, including omitted optional ones.</summary>
    public int InputCount => _inputTypes.Length;

    public int OutputCount => _outputTypes.Length;

    /// <summary>Whether input <paramref name="index"/> is present (not omitted, not beyond the list).</summary>
    public bool HasInput(int index) => index < _inputTypes.Length && _inputShapes[index] is not null;

    public DataType InputType(int index) => HasInput(index) ? _inputTypes[index] : throw Fail($"input {index} is required but missing");

    public TensorShape InputShape(int index) => HasInput(index) ? _inputShapes[index]! : throw Fail($"input {index} is required but missing");

    /// <summary>The input's value when it is constant at plan time (initializer or folded), else null.</summary>
    public Tensor? InputValue(int index) => index < _inputValues.Length ? _inputValues[index] : null;

    /// <summary>The input's constant value; fails naming the input when it is computed at run time.</summary>
    public Tensor RequireConstant(int index, string what)
    {
        if (!HasInput(index))
            throw Fail($"input {index} ({what}) is required but missing");
        return InputValue(index) ?? throw Fail($"input {index} ({what}) must be known when the session is planned (it is computed from data at run time, which Edge does not support)");
    }

    public void SetOutput(int index, DataType type, TensorShape shape)
    {
        if (index < _outputTypes.Length)
        {
            _outputTypes[index] = type;
            _outputShapes[index] = shape;
        }
    }

    /// <summary>
    /// Sets an output whose value follows from input shapes alone (Shape): the planner uses it as a
    /// constant, so consumers fold too, even though the input data is only known at run time.
    /// </summary>
    public void SetOutputValue(int index, Tensor value)
    {
        SetOutput(index, value.Type, value.Shape);
        if (index < _outputValues.Length)
            _outputValues[index] = value;
    }

    internal Tensor? OutputValue(int index) => _outputValues[index];

    /// <summary>Whether the node declares output <paramref name="index"/> (optional outputs may be omitted).</summary>
    public bool HasOutput(int index) => index < Node.Outputs.Count && Node.Outputs[index].Length > 0;

    public DataType OutputType(int index) => _outputTypes[index];

    public TensorShape OutputShape(int index) => _outputShapes[index] ?? throw Fail($"output {index} has no inferred shape");

    internal bool IsOutputInferred(int index) => _outputShapes[index] is not null;

    /// <summary>Checks the number of inputs (present or omitted slots).</summary>
    public void RequireInputs(int min, int max)
    {
        if (_inputTypes.Length < min || _inputTypes.Length > max)
            throw Fail(min == max ? $"expects {min} inputs, has {_inputTypes.Length}" : $"expects {min} to {max} inputs, has {_inputTypes.Length}");
        for (int i = 0; i < min; i++)
            if (!HasInput(i))
                throw Fail($"input {i} is required but missing");
    }

    /// <summary>Checks input <paramref name="index"/>'s type is one of <paramref name="allowed"/>.</summary>
    public DataType RequireType(int index, params DataType[] allowed)
    {
        var type = InputType(index);
        if (Array.IndexOf(allowed, type) < 0)
            throw Fail($"input {index} '{Node.Input(index)}' has type {type.OnnxName()}; supported: {string.Join(", ", allowed.Select(t => t.OnnxName()))}");
        return type;
    }

    /// <summary>An error naming this node, op and opset.</summary>
    public ModelException Fail(string reason) => new($"{Node.Describe()}: {reason}");
}

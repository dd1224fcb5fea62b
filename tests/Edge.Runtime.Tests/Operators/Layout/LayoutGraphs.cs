using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Tests.Operators.Layout;

/// <summary>Builds one-node graphs in code and runs them through an <see cref="InferenceSession"/>.</summary>
internal static class LayoutGraphs
{
    /// <summary>An input of the node: fed at run time, or an initializer when <paramref name="Constant"/>.</summary>
    public sealed record Input(Tensor Value, bool Constant = false);

    public static Input Fed(Tensor value) => new(value);

    public static Input Const(Tensor value) => new(value, true);

    public static Tensor Ints(params long[] values) => Tensor.FromArray(new TensorShape(values.Length), values);

    public static Tensor Floats(int[] shape, Func<int, float>? value = null)
    {
        var t = new TensorShape(shape);
        var data = new float[t.ElementCount];
        for (int i = 0; i < data.Length; i++)
            data[i] = value?.Invoke(i) ?? i;
        return Tensor.FromArray<float>(t, data);
    }

    public static InferenceSession Session(string opType, Input[] inputs, int outputs = 1, int opset = 13, Action<NodeAttributes>? attributes = null)
    {
        var graph = new Graph { Name = opType };
        graph.OpsetImports[""] = opset;
        var names = new List<string>();
        for (int i = 0; i < inputs.Length; i++)
        {
            string name = $"in{i}";
            names.Add(name);
            if (inputs[i].Constant)
                graph.Initializers[name] = inputs[i].Value;
            else
                graph.Inputs.Add(new ValueInfo(name, inputs[i].Value.Type, inputs[i].Value.Shape.Dims.ToArray().Select(d => (int?)d).ToArray()));
        }
        var outputNames = Enumerable.Range(0, outputs).Select(o => $"out{o}").ToList();
        var node = new Node("n", opType, "", names, outputNames, opset: opset);
        attributes?.Invoke(node.Attributes);
        graph.Nodes.Add(node);
        foreach (string name in outputNames)
            graph.Outputs.Add(new ValueInfo(name, DataType.Float32, null));
        return new InferenceSession(graph);
    }

    /// <summary>Runs the one-node graph; returns its outputs in order.</summary>
    public static Tensor[] Run(string opType, Input[] inputs, int outputs = 1, int opset = 13, Action<NodeAttributes>? attributes = null)
    {
        var session = Session(opType, inputs, outputs, opset, attributes);
        var feeds = new Dictionary<string, Tensor>();
        for (int i = 0; i < inputs.Length; i++)
            if (!inputs[i].Constant)
                feeds[$"in{i}"] = inputs[i].Value;
        var result = session.Run(feeds);
        return Enumerable.Range(0, outputs).Select(o => result[$"out{o}"]).ToArray();
    }

    public static void SetInt(this NodeAttributes attributes, string name, long value) =>
        attributes.Set(name, new AttributeValue(AttributeKind.Int, Int: value));

    public static void SetInts(this NodeAttributes attributes, string name, params long[] values) =>
        attributes.Set(name, new AttributeValue(AttributeKind.Ints, Ints: values));
}

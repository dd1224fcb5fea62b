using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Benchmarks.Models;

/// <summary>
/// Small helper over the ONNX protos so the model generators read like the graphs they build.
/// Names are made unique by a counter, so generators never collide on intermediate names.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "bench" };
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    public GraphProto Graph => _graph;

    public string Fresh(string hint)
    {
        string name;
        do name = $"{hint}_{_counter++}";
        while (!_names.Add(name));
        return name;
    }

    public void Input(string name, int elemType, params long[] dims) => _graph.Input.Add(ValueInfo(name, elemType, dims));

    public void Output(string name, int elemType, params long[] dims) => _graph.Output.Add(ValueInfo(name, elemType, dims));

    public static ValueInfoProto ValueInfo(string name, int elemType, long[]? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = elemType };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (long d in dims)
                tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    public string Node(string op, string[] inputs, string? output = null, string domain = "", params AttributeProto[] attributes) =>
        NodeMulti(op, inputs, [output ?? Fresh(op.ToLowerInvariant())], domain, attributes)[0];

    public string[] NodeMulti(string op, string[] inputs, string[] outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh("n_" + op), Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    public string Float(string hint, float[] values, params long[] dims) =>
        Initializer(hint, (int)TensorProto.Types.DataType.Float, ToBytes<float>(values), dims);

    public string Int8(string hint, sbyte[] values, params long[] dims) =>
        Initializer(hint, (int)TensorProto.Types.DataType.Int8, ToBytes<sbyte>(values), dims);

    public string UInt8(string hint, byte[] values, params long[] dims) =>
        Initializer(hint, (int)TensorProto.Types.DataType.Uint8, values, dims);

    public string Int32(string hint, int[] values, params long[] dims) =>
        Initializer(hint, (int)TensorProto.Types.DataType.Int32, ToBytes<int>(values), dims);

    public string Int64(string hint, long[] values, params long[] dims) =>
        Initializer(hint, (int)TensorProto.Types.DataType.Int64, ToBytes<long>(values), dims);

    public string Scalar(string hint, float value) => Float(hint, [value]);

    private string Initializer(string hint, int type, byte[] raw, long[] dims)
    {
        string name = Fresh(hint);
        var tensor = new TensorProto { Name = name, DataType = type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static byte[] ToBytes<T>(T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>Wraps the graph as a model: opset 17 (LayerNormalization) plus com.microsoft for QOperator ops.</summary>
    public ModelProto ToModel(string docString)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "Edge.Benchmarks", Graph = _graph, DocString = docString };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model;
    }
}

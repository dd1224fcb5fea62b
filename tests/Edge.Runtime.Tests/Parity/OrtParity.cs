using Edge.Onnx.Protos;
using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Edge.Runtime.Tensors.Tensor;
using EdgeSession = Edge.Runtime.Sessions.InferenceSession;
using OrtSession = Microsoft.ML.OnnxRuntime.InferenceSession;

namespace Edge.Runtime.Tests.Parity;

/// <summary>
/// Builds a one-node ONNX model in code and runs it in Edge and in ONNX Runtime (optimisations off,
/// one intra-op thread), so tests can demand identical outputs.
/// </summary>
internal sealed class OrtParity
{
    private readonly NodeProto _node;
    private readonly List<(string Name, Tensor Value, bool Constant)> _inputs = [];
    private readonly List<(string Name, DataType Type)> _outputs = [];
    private readonly string _domain;
    private readonly int _opset;
    private int _edgeThreads = 1;

    /// <param name="opset">The node's domain opset (ai.onnx 13–21, com.microsoft 1).</param>
    public OrtParity(string opType, string domain = "", int opset = 21)
    {
        _domain = domain;
        _opset = opset;
        _node = new NodeProto { OpType = opType, Domain = domain, Name = "node" };
    }

    /// <summary>Adds a graph input (fed at run time) or, when <paramref name="constant"/>, an initializer.</summary>
    public OrtParity Input(string name, Tensor value, bool constant = false)
    {
        _node.Input.Add(name);
        _inputs.Add((name, value, constant));
        return this;
    }

    /// <summary>Leaves an optional input slot empty.</summary>
    public OrtParity NoInput()
    {
        _node.Input.Add("");
        return this;
    }

    public OrtParity Output(string name, DataType type)
    {
        _node.Output.Add(name);
        _outputs.Add((name, type));
        return this;
    }

    public OrtParity Attribute(string name, long value)
    {
        _node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return this;
    }

    public OrtParity Attribute(string name, float value)
    {
        _node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });
        return this;
    }

    public OrtParity Attribute(string name, string value)
    {
        _node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });
        return this;
    }

    public OrtParity Attribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        _node.Attribute.Add(attribute);
        return this;
    }

    public ModelProto Model()
    {
        var graph = new GraphProto { Name = "parity" };
        graph.Node.Add(_node);
        foreach (var (name, value, constant) in _inputs)
        {
            if (constant)
                graph.Initializer.Add(TensorProtoConverter.ToProto(value, name));
            else
                graph.Input.Add(ValueInfo(name, value.Type, value.Shape));
        }
        foreach (var (name, type) in _outputs)
            graph.Output.Add(ValueInfo(name, type, null));
        var model = new ModelProto { IrVersion = 10, ProducerName = "edge-parity", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _domain.Length == 0 ? _opset : 21 });
        if (_domain.Length > 0)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = _domain, Version = _opset });
        return model;
    }

    /// <summary>Runs Edge's side on <paramref name="threads"/> threads (ORT always runs on one).</summary>
    public OrtParity EdgeThreads(int threads)
    {
        _edgeThreads = threads;
        return this;
    }

    public Tensor[] RunEdge()
    {
        var session = new EdgeSession(GraphImporter.Import(Model()), new Edge.Runtime.Sessions.SessionOptions { Threads = _edgeThreads });
        var feeds = _inputs.Where(i => !i.Constant).ToDictionary(i => i.Name, i => i.Value);
        var results = session.Run(feeds);
        return _outputs.Select(o => results[o.Name]).ToArray();
    }

    public Tensor[] RunOrt()
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new OrtSession(Model().ToByteArray(), options);
        var feeds = _inputs.Where(i => !i.Constant).Select(i => ToOrt(i.Name, i.Value)).ToList();
        using var results = session.Run(feeds, _outputs.Select(o => o.Name).ToList());
        return results.Select(r => FromOrt(r)).ToArray();
    }

    /// <summary>Runs both and asserts every output has the same type, shape and bytes.</summary>
    public void AssertIdentical(string because = "")
    {
        var ort = RunOrt();
        var edge = RunEdge();
        for (int i = 0; i < _outputs.Count; i++)
        {
            string what = $"{_node.OpType} output '{_outputs[i].Name}'{(because.Length > 0 ? $" ({because})" : "")}";
            Assert.True(ort[i].Type == edge[i].Type, $"{what}: type {edge[i].Type.OnnxName()}, ORT {ort[i].Type.OnnxName()}");
            Assert.True(ort[i].Shape.Equals(edge[i].Shape), $"{what}: shape {edge[i].Shape}, ORT {ort[i].Shape}");
            var expected = ort[i].ToDoubleArray();
            var actual = edge[i].ToDoubleArray();
            if (!ort[i].Bytes.SequenceEqual(edge[i].Bytes))
            {
                int first = Enumerable.Range(0, expected.Length).First(j => BitConverter.DoubleToInt64Bits(expected[j]) != BitConverter.DoubleToInt64Bits(actual[j]));
                int count = Enumerable.Range(0, expected.Length).Count(j => BitConverter.DoubleToInt64Bits(expected[j]) != BitConverter.DoubleToInt64Bits(actual[j]));
                Assert.Fail($"{what}: {count} of {expected.Length} elements differ; first at {first}: Edge {actual[first]:R}, ORT {expected[first]:R}");
            }
        }
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, TensorShape? shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (shape is not null)
        {
            tensorType.Shape = new TensorShapeProto();
            foreach (int d in shape.Dims)
                tensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    private static NamedOnnxValue ToOrt(string name, Tensor value)
    {
        int[] dims = value.Shape.ToArray();
        return value.Type switch
        {
            DataType.Float32 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(value.AsSpan<float>().ToArray(), dims)),
            DataType.UInt8 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<byte>(value.AsSpan<byte>().ToArray(), dims)),
            DataType.Int8 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<sbyte>(value.AsSpan<sbyte>().ToArray(), dims)),
            DataType.Int32 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(value.AsSpan<int>().ToArray(), dims)),
            DataType.Int64 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(value.AsSpan<long>().ToArray(), dims)),
            DataType.Bool => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<bool>(value.AsSpan<bool>().ToArray(), dims)),
            _ => throw new NotSupportedException(value.Type.ToString()),
        };
    }

    private static Tensor FromOrt(DisposableNamedOnnxValue value) => value.ElementType switch
    {
        TensorElementType.Float => Convert(value.AsTensor<float>()),
        TensorElementType.UInt8 => Convert(value.AsTensor<byte>()),
        TensorElementType.Int8 => Convert(value.AsTensor<sbyte>()),
        TensorElementType.Int32 => Convert(value.AsTensor<int>()),
        TensorElementType.Int64 => Convert(value.AsTensor<long>()),
        TensorElementType.Bool => Convert(value.AsTensor<bool>()),
        _ => throw new NotSupportedException(value.ElementType.ToString()),
    };

    private static Tensor Convert<T>(Microsoft.ML.OnnxRuntime.Tensors.Tensor<T> tensor) where T : unmanaged =>
        Tensor.FromArray<T>(new TensorShape(tensor.Dimensions.ToArray()), tensor.ToArray());
}

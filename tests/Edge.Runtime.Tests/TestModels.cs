using Edge.Onnx.Protos;
using Edge.Runtime.Graphs;
using Google.Protobuf;

namespace Edge.Runtime.Tests;

/// <summary>Builds small ONNX models in code for tests.</summary>
internal static class TestModels
{
    public static ValueInfoProto Value(string name, int elemType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }

    public static NodeProto Node(string opType, string[] inputs, string[] outputs, string? name = null) =>
        new() { OpType = opType, Name = name ?? opType, Input = { inputs }, Output = { outputs } };

    public static ModelProto Model(IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs, IEnumerable<TensorProto>? initializers = null, int opset = 17)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.Add(nodes);
        graph.Input.Add(inputs);
        graph.Output.Add(outputs);
        if (initializers is not null)
            graph.Initializer.Add(initializers);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "edge-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model;
    }

    public static TensorProto FloatTensor(string name, long[] dims, params float[] values)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.Add(dims);
        t.FloatData.Add(values);
        return t;
    }

    public static Graph Import(ModelProto model) => GraphImporter.Import(Onnx.OnnxModelReader.ReadModel(model.ToByteArray(), "test.onnx", null));
}

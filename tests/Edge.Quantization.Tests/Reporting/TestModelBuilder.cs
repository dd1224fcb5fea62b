using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Tests.Reporting;

/// <summary>Small ONNX graphs written node by node, for the model shapes the fixtures lack.</summary>
internal sealed class TestModelBuilder
{
    private readonly GraphProto _graph = new() { Name = "test" };

    public TestModelBuilder Input(string name, params long[] dims)
    {
        _graph.Input.Add(Value(name, dims));
        return this;
    }

    public TestModelBuilder Output(string name)
    {
        _graph.Output.Add(Value(name, null));
        return this;
    }

    public string Initializer(string name, Tensor value)
    {
        _graph.Initializer.Add(TensorProtoConverter.ToProto(value, name));
        return name;
    }

    public TestModelBuilder Node(string op, string[] inputs, string output, string domain = "", params (string Name, long[] Ints)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_node", Domain = domain };
        node.Input.Add(inputs);
        node.Output.Add(output);
        foreach (var (name, ints) in attributes)
        {
            var attribute = new AttributeProto { Name = name };
            if (ints.Length == 1 && name is "transB" or "axis")
            {
                attribute.Type = AttributeProto.Types.AttributeType.Int;
                attribute.I = ints[0];
            }
            else
            {
                attribute.Type = AttributeProto.Types.AttributeType.Ints;
                attribute.Ints.Add(ints);
            }
            node.Attribute.Add(attribute);
        }
        _graph.Node.Add(node);
        return this;
    }

    public ModelProto Build()
    {
        var model = new ModelProto { IrVersion = 8, Graph = _graph, ProducerName = "edge-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model;
    }

    private static ValueInfoProto Value(string name, long[]? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float32 };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (long d in dims)
                tensor.Shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}

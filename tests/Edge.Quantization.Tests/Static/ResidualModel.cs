using Edge.Onnx;
using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Tests.Static;

/// <summary>
/// A small seeded CNN with the ops the fixtures lack: two Conv branches joined by Add and Mul,
/// Concat, GlobalAveragePool, Flatten and a Gemm head. Input [N,3,8,8], output logits [N,10].
/// </summary>
internal static class ResidualModel
{
    public static ModelProto Create()
    {
        var random = new Random(11);
        var graph = new GraphProto { Name = "residual" };
        graph.Input.Add(Value("input", "N", 3, 8, 8));
        graph.Output.Add(Value("logits", "N", 10));
        Add(graph, Weights(random, "wa", 4, 3, 3, 3));
        Add(graph, Weights(random, "ba", 4));
        Add(graph, Weights(random, "wb", 4, 3, 1, 1));
        Add(graph, Weights(random, "bb", 4));
        Add(graph, Weights(random, "wh", 10, 8));
        Add(graph, Weights(random, "bh", 10));
        Node(graph, "Conv", "conv_a", ["input", "wa", "ba"], ["a_pre"], ("pads", [1, 1, 1, 1]));
        Node(graph, "Relu", "relu_a", ["a_pre"], ["a"]);
        Node(graph, "Conv", "conv_b", ["input", "wb", "bb"], ["b"]);
        Node(graph, "Add", "add", ["a", "b"], ["sum"]);
        Node(graph, "Mul", "mul", ["sum", "a"], ["product"]);
        Node(graph, "Concat", "concat", ["sum", "product"], ["joined"], ("axis", [1]));
        Node(graph, "GlobalAveragePool", "pool", ["joined"], ["pooled"]);
        Node(graph, "Flatten", "flatten", ["pooled"], ["flat"]);
        Node(graph, "Gemm", "head", ["flat", "wh", "bh"], ["logits"], ("transB", [1]));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "edge-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    /// <summary>Seeded uniform [0, 1) batches of [<paramref name="batch"/>,3,8,8].</summary>
    public static Tensor Inputs(int seed, int batch)
    {
        var random = new Random(seed);
        var values = new float[batch * 3 * 8 * 8];
        for (int i = 0; i < values.Length; i++)
            values[i] = random.NextSingle();
        return Tensor.FromArray<float>(new TensorShape(batch, 3, 8, 8), values);
    }

    public static void WriteCalibration(string folder)
    {
        for (int k = 0; k < 3; k++)
            OnnxModelWriter.WriteTensor(TensorProtoConverter.ToProto(Inputs(100 + k, 8), "input"), Path.Combine(folder, $"input_{k}.pb"));
    }

    private static ValueInfoProto Value(string name, string batch, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (int d in dims)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    private static TensorProto Weights(Random random, string name, params int[] dims)
    {
        var values = new float[dims.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
            values[i] = random.NextSingle() - 0.5f;
        return TensorProtoConverter.ToProto(Tensor.FromArray<float>(new TensorShape(dims), values), name);
    }

    private static void Add(GraphProto graph, TensorProto initializer) => graph.Initializer.Add(initializer);

    private static void Node(GraphProto graph, string op, string name, string[] inputs, string[] outputs, params (string Name, long[] Ints)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (attribute, ints) in attributes)
        {
            var proto = new AttributeProto { Name = attribute };
            if (attribute == "pads")
            {
                proto.Type = AttributeProto.Types.AttributeType.Ints;
                proto.Ints.AddRange(ints);
            }
            else
            {
                proto.Type = AttributeProto.Types.AttributeType.Int;
                proto.I = ints[0];
            }
            node.Attribute.Add(proto);
        }
        graph.Node.Add(node);
    }
}

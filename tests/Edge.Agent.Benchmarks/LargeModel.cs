using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Agent.Benchmarks;

/// <summary>A valid ONNX model of about the requested size: one MatMul whose square float weight carries the bytes.</summary>
internal static class LargeModel
{
    public static byte[] Build(int megabytes)
    {
        int n = (int)Math.Sqrt(megabytes * 1e6 / sizeof(float));
        var weights = new float[n * n];
        var random = new Random(1);
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)(random.NextDouble() - 0.5);
        var initializer = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan())) };
        initializer.Dims.Add([n, n]);
        var graph = new GraphProto
        {
            Name = "large",
            Node = { new NodeProto { OpType = "MatMul", Name = "matmul", Input = { "x", "w" }, Output = { "y" } } },
            Input = { Value("x", 1, n) },
            Output = { Value("y", 1, n) },
            Initializer = { initializer },
        };
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "edge-agent-benchmarks" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }
}

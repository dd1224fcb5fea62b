using Edge.Onnx;
using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Cli.Tests.Commands;

/// <summary>Every kind of bad model or input ends in exit code 2 and one line naming the problem.</summary>
public sealed class BadModelTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ValueInfoProto Value(string name, int type, params long[] dims) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = new TensorShapeProto { Dim = { dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }) } } } },
    };

    private string Write(string name, params NodeProto[] nodes)
    {
        var graph = new GraphProto { Name = "g", Input = { Value("x", 1, 2) }, Output = { Value("y", 1, 2) } };
        graph.Node.Add(nodes);
        var model = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 17 } } };
        string path = _temp.File(name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private string Input(string name, int type, params long[] dims)
    {
        var tensor = new TensorProto { Name = "x", DataType = type, Dims = { dims } };
        long count = dims.Aggregate(1L, (a, b) => a * b);
        tensor.RawData = ByteString.CopyFrom(new byte[count * (type == 7 ? 8 : 4)]);
        string path = _temp.File(name);
        OnnxModelWriter.WriteTensor(tensor, path);
        return path;
    }

    private static void AssertOneLineError(EdgeProcess.Result result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("edge: ", line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public void TruncatedModel()
    {
        string good = Write("good.onnx", new NodeProto { OpType = "Identity", Name = "id", Input = { "x" }, Output = { "y" } });
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(_temp.File("truncated.onnx"), bytes[..(bytes.Length - 9)]);
        AssertOneLineError(EdgeProcess.Run("run", _temp.File("truncated.onnx"), "--input", Input("x.pb", 1, 2)), "truncated.onnx");
    }

    [Fact]
    public void GarbageBytes()
    {
        var bytes = new byte[2048];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(_temp.File("garbage.onnx"), bytes);
        AssertOneLineError(EdgeProcess.Run("inspect", _temp.File("garbage.onnx")), "garbage.onnx");
    }

    [Fact]
    public void MissingInitializer()
    {
        string path = Write("missing.onnx", new NodeProto { OpType = "Identity", Name = "reads_w", Input = { "w" }, Output = { "y" } });
        AssertOneLineError(EdgeProcess.Run("run", path, "--input", Input("x.pb", 1, 2)), "input 'w' is not produced");
    }

    [Fact]
    public void CyclicGraph()
    {
        string path = Write("cycle.onnx",
            new NodeProto { OpType = "Identity", Name = "a", Input = { "y" }, Output = { "t" } },
            new NodeProto { OpType = "Identity", Name = "b", Input = { "t" }, Output = { "y" } });
        AssertOneLineError(EdgeProcess.Run("run", path, "--input", Input("x.pb", 1, 2)), "cycle");
    }

    [Fact]
    public void UnsupportedOperator()
    {
        string path = Write("unsupported.onnx", new NodeProto { OpType = "NonMaxSuppression", Name = "nms", Input = { "x" }, Output = { "y" } });
        AssertOneLineError(EdgeProcess.Run("run", path, "--input", Input("x.pb", 1, 2)), "node 'nms' (NonMaxSuppression, opset 17): unsupported operator");
    }

    [Fact]
    public void WrongInputType()
    {
        string path = Write("id.onnx", new NodeProto { OpType = "Identity", Name = "id", Input = { "x" }, Output = { "y" } });
        AssertOneLineError(EdgeProcess.Run("run", path, "--input", "x=" + Input("x64.pb", 7, 2)), "input 'x' has type int64, model expects float");
    }

    [Fact]
    public void WrongInputShape()
    {
        string path = Write("id.onnx", new NodeProto { OpType = "Identity", Name = "id", Input = { "x" }, Output = { "y" } });
        AssertOneLineError(EdgeProcess.Run("run", path, "--input", "x=" + Input("x3.pb", 1, 3)), "input 'x' has shape [3], model expects [2]");
    }

    [Fact]
    public void MissingInput()
    {
        string path = Write("id.onnx", new NodeProto { OpType = "Identity", Name = "id", Input = { "x" }, Output = { "y" } });
        AssertOneLineError(EdgeProcess.Run("run", path), "no inputs given");
    }

    [Fact]
    public void UnknownBackend()
    {
        string path = Write("id.onnx", new NodeProto { OpType = "Identity", Name = "id", Input = { "x" }, Output = { "y" } });
        AssertOneLineError(EdgeProcess.Run("run", path, "--backend", "tpu"), "unknown backend 'tpu'");
    }
}

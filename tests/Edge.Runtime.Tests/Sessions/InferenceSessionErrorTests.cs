using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.TestModels;

namespace Edge.Runtime.Tests.Sessions;

public sealed class InferenceSessionErrorTests
{
    private static InferenceSession IdentitySession() =>
        new(Import(Model([Node("Identity", ["x"], ["y"])], [Value("x", 1, 2, 3)], [Value("y", 1, 2, 3)])));

    [Fact]
    public void CyclicGraphIsRejectedNamingANode()
    {
        var model = Model(
            [Node("Identity", ["b"], ["a"], "first"), Node("Identity", ["a"], ["b"], "second")],
            [Value("x", 1, 2)], [Value("b", 1, 2)]);
        var e = Assert.Throws<ModelException>(() => new InferenceSession(Import(model)));
        Assert.Contains("cycle", e.Message);
        Assert.Contains("Identity", e.Message);
    }

    [Fact]
    public void MissingInitializerIsRejectedNamingTheInput()
    {
        var model = Model([Node("Identity", ["weights"], ["y"], "reader")], [Value("x", 1, 2)], [Value("y", 1, 2)]);
        var e = Assert.Throws<ModelException>(() => new InferenceSession(Import(model)));
        Assert.Contains("'weights'", e.Message);
        Assert.Contains("node 'reader'", e.Message);
    }

    [Fact]
    public void UnsupportedOperatorIsRejectedNamingNodeOpAndOpset()
    {
        var model = Model([Node("FancyAttention", ["x"], ["y"], "attn")], [Value("x", 1, 2)], [Value("y", 1, 2)]);
        var e = Assert.Throws<ModelException>(() => new InferenceSession(Import(model)));
        Assert.Contains("node 'attn' (FancyAttention, opset 17)", e.Message);
        Assert.Contains("unsupported operator", e.Message);
    }

    [Fact]
    public void OpsetOutsideTheSupportedRangeIsRejected()
    {
        var model = Model([Node("Identity", ["x"], ["y"])], [Value("x", 1, 2)], [Value("y", 1, 2)], opset: 9);
        Assert.Contains("opset 9", Assert.Throws<ModelException>(() => Import(model)).Message);
    }

    [Fact]
    public void UnsupportedInitializerTypeIsRejectedNamingIt()
    {
        var doubleWeights = new Onnx.Protos.TensorProto { Name = "w", DataType = 11, Dims = { 1 }, DoubleData = { 1.0 } };
        var model = Model([Node("Identity", ["w"], ["y"])], [Value("x", 1, 2)], [Value("y", 11, 1)], [doubleWeights]);
        var e = Assert.Throws<ModelException>(() => Import(model));
        Assert.Contains("initializer 'w'", e.Message);
        Assert.Contains("double", e.Message);
    }

    [Fact]
    public void WrongInputTypeIsRejectedNamingTheInput()
    {
        var session = IdentitySession();
        var e = Assert.Throws<ModelException>(() => session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Allocate(DataType.Int64, new TensorShape(2, 3)) }));
        Assert.Contains("input 'x' has type int64, model expects float", e.Message);
    }

    [Fact]
    public void WrongInputShapeIsRejectedNamingTheInput()
    {
        var session = IdentitySession();
        var e = Assert.Throws<ModelException>(() => session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Allocate(DataType.Float32, new TensorShape(3, 2)) }));
        Assert.Contains("input 'x' has shape [3,2], model expects [2,3]", e.Message);
    }

    [Fact]
    public void MissingAndUnknownInputsAreNamed()
    {
        var session = IdentitySession();
        Assert.Contains("missing input 'x'", Assert.Throws<ModelException>(() => session.Run(new Dictionary<string, Tensor>())).Message);
        var e = Assert.Throws<ModelException>(() => session.Run(new Dictionary<string, Tensor> { ["z"] = Tensor.Allocate(DataType.Float32, new TensorShape(2, 3)) }));
        Assert.Contains("'z' is not an input", e.Message);
    }

    [Fact]
    public void SymbolicBatchDimensionAcceptsAnySize()
    {
        var session = new InferenceSession(Import(Model([Node("Identity", ["x"], ["y"])], [Value("x", 1, -1, 2)], [Value("y", 1, -1, 2)])));
        foreach (int batch in new[] { 1, 5 })
        {
            var input = Tensor.FromArray<float>(new TensorShape(batch, 2), Enumerable.Range(0, batch * 2).Select(i => (float)i).ToArray());
            var output = session.Run(new Dictionary<string, Tensor> { ["x"] = input })["y"];
            Assert.Equal(input.AsSpan<float>().ToArray(), output.AsSpan<float>().ToArray());
        }
    }

    [Fact]
    public void TruncatedModelFileFailsWithFormatError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"edge-trunc-{Guid.NewGuid():N}.onnx");
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(Model([Node("Identity", ["x"], ["y"])], [Value("x", 1, 2)], [Value("y", 1, 2)]));
        File.WriteAllBytes(path, bytes[..^7]);
        try
        {
            var e = Record.Exception(() => InferenceSession.Load(path));
            Assert.True(e is OnnxFormatException or ModelException, $"expected a format or model error, got {e?.GetType().Name ?? "none"}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}

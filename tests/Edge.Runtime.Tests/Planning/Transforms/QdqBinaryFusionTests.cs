using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<byte>;
using Tensor = Edge.Runtime.Tensors.Tensor;
using static Edge.Runtime.Tests.TestModels;

namespace Edge.Runtime.Tests.Planning.Transforms;

/// <summary>
/// A residual add as static quantizers write it, DQ(a), DQ(b) → Add → Relu → Q: fused into QLinearAdd when the output
/// zero point makes the Relu redundant, with ONNX Runtime's bytes (which fuses the same group); left alone otherwise.
/// </summary>
public sealed class QdqBinaryFusionTests
{
    private const int UInt8 = 2;
    private static readonly long[] Dims = [1, 8, 9, 10];

    private static ModelProto ResidualAdd(byte outputZeroPoint)
    {
        var initializers = new List<TensorProto>
        {
            FloatTensor("a_scale", [], 0.031f), ByteScalar("a_zp", 131), FloatTensor("b_scale", [], 0.017f), ByteScalar("b_zp", 120),
            FloatTensor("y_scale", [], 0.029f), ByteScalar("y_zp", outputZeroPoint),
        };
        var nodes = new[]
        {
            Node("DequantizeLinear", ["a", "a_scale", "a_zp"], ["fa"], "dq_a"),
            Node("DequantizeLinear", ["b", "b_scale", "b_zp"], ["fb"], "dq_b"),
            Node("Add", ["fa", "fb"], ["sum"]),
            Node("Relu", ["sum"], ["relu"]),
            Node("QuantizeLinear", ["relu", "y_scale", "y_zp"], ["y"]),
        };
        return Model(nodes, [Value("a", UInt8, Dims), Value("b", UInt8, Dims)], [Value("y", UInt8, Dims)], initializers, opset: 13);
    }

    private static TensorProto ByteScalar(string name, byte value) =>
        new() { Name = name, DataType = UInt8, RawData = ByteString.CopyFrom(value) };

    private static Dictionary<string, Tensor> Inputs()
    {
        var random = new Random(5);
        Tensor Bytes()
        {
            var values = new byte[Dims.Aggregate(1L, (a, b) => a * b)];
            random.NextBytes(values);
            return Tensor.FromArray<byte>(new TensorShape(Dims.Select(d => (int)d).ToArray()), values);
        }
        return new() { ["a"] = Bytes(), ["b"] = Bytes() };
    }

    [Fact]
    public void ReluBeforeAZeroPointAtTheBottomFusesIntoQLinearAddWithOrtBytes()
    {
        var model = ResidualAdd(outputZeroPoint: 0);
        var inputs = Inputs();
        var (ops, fused, unfused) = FusedAndUnfused.Run(model, inputs);
        Assert.Equal(["QLinearAdd"], ops);
        Assert.Equal(RunOrt(model, inputs), fused.Bytes.ToArray());
        // The unfused graph rounds twice (Add in float, then Q); the fused one once: at most one step apart.
        var a = fused.Bytes.ToArray();
        var b = unfused.Bytes.ToArray();
        Assert.All(Enumerable.Range(0, a.Length), i => Assert.InRange(Math.Abs(a[i] - b[i]), 0, 1));
        Assert.Contains(a, v => v == 0);
    }

    [Fact]
    public void ReluThatChangesValuesKeepsTheGraphAsWritten()
    {
        var model = ResidualAdd(outputZeroPoint: 10);
        var inputs = Inputs();
        var (ops, fused, unfused) = FusedAndUnfused.Run(model, inputs);
        Assert.Contains("Relu", ops);
        Assert.DoesNotContain("QLinearAdd", ops);
        Assert.Equal(unfused.Bytes.ToArray(), fused.Bytes.ToArray());
    }

    private static byte[] RunOrt(ModelProto model, Dictionary<string, Tensor> inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToByteArray(), options);
        var feeds = inputs.Select(i => NamedOnnxValue.CreateFromTensor(i.Key,
            new DenseTensor(i.Value.Bytes.ToArray(), Dims.Select(d => (int)d).ToArray()))).ToList();
        using var results = session.Run(feeds);
        return results.Single().AsTensor<byte>().ToArray();
    }
}

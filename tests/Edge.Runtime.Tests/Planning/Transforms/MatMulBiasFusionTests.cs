using Edge.Onnx.Protos;
using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using static Edge.Runtime.Tests.TestModels;

namespace Edge.Runtime.Tests.Planning.Transforms;

/// <summary>MatMul by a constant weight followed by Add of a 1-D bias becomes one MatMul with the unfused results.</summary>
public sealed class MatMulBiasFusionTests
{
    private const int Float = 1;
    private const int K = 12, N = 20;

    private static ModelProto Linear(bool biasFirst = true, long[]? biasDims = null, bool weightIsInput = false, bool productAlsoOutput = false)
    {
        var random = new Random(3);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        biasDims ??= [N];
        var inputs = new List<ValueInfoProto> { Value("x", Float, 2, 5, K) };
        var initializers = new List<TensorProto> { FloatTensor("bias", biasDims, Values(N)) };
        if (weightIsInput)
            inputs.Add(Value("w", Float, K, N));
        else
            initializers.Add(FloatTensor("w", [K, N], Values(K * N)));
        var outputs = new List<ValueInfoProto> { Value("y", Float, 2, 5, N) };
        if (productAlsoOutput)
            outputs.Add(Value("product", Float, 2, 5, N));
        var nodes = new[]
        {
            Node("MatMul", ["x", "w"], ["product"]),
            Node("Add", biasFirst ? ["bias", "product"] : ["product", "bias"], ["y"]),
        };
        return Model(nodes, inputs, outputs, initializers, opset: 13);
    }

    private static (List<string> Ops, float[] Fused, float[] Unfused) Run(ModelProto model)
    {
        var random = new Random(11);
        var inputs = new Dictionary<string, Tensor> { ["x"] = FusedAndUnfused.RandomFloats(random, -2, 2, 2, 5, K) };
        if (model.Graph.Input.Any(i => i.Name == "w"))
            inputs["w"] = FusedAndUnfused.RandomFloats(random, -0.5f, 0.5f, K, N);
        var (ops, fused, unfused) = FusedAndUnfused.Run(model, inputs);
        return (ops, fused.AsSpan<float>().ToArray(), unfused.AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MatMulThenBiasAddBecomesOneMatMulWithTheSameResults(bool biasFirst)
    {
        var (ops, fused, unfused) = Run(Linear(biasFirst));
        Assert.Equal(["MatMul"], ops);
        Assert.Equal(unfused.Length, fused.Length);
        for (int i = 0; i < fused.Length; i++)
            Assert.True(Math.Abs(fused[i] - unfused[i]) <= 1e-5 * Math.Max(1, Math.Abs(unfused[i])), $"element {i}: fused {fused[i]}, unfused {unfused[i]}");
    }

    [Fact]
    public void BiasThatIsNotOneDimensionalIsLeftAlone()
    {
        var (ops, _, _) = Run(Linear(biasDims: [1, N]));
        Assert.Equal(["MatMul", "Add"], ops);
    }

    [Fact]
    public void RunTimeWeightIsLeftAlone()
    {
        var (ops, _, _) = Run(Linear(weightIsInput: true));
        Assert.Equal(["MatMul", "Add"], ops);
    }

    [Fact]
    public void ProductThatIsAlsoAGraphOutputIsLeftAlone()
    {
        var (ops, _, _) = Run(Linear(productAlsoOutput: true));
        Assert.Equal(["MatMul", "Add"], ops);
    }
}

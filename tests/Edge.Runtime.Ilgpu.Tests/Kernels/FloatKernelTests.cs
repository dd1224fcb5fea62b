using Edge.Runtime.Graphs;
using Edge.Runtime.Operators.Layout;
using Edge.Runtime.Operators.NN;
using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Ilgpu.Tests.DeviceParity;

namespace Edge.Runtime.Ilgpu.Tests.Kernels;

/// <summary>The float ops between int8 kernels on the device, within float tolerance of the CPU backend.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class FloatKernelTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData("Add", new[] { 2, 3, 4 }, new[] { 4 })]
    [InlineData("Mul", new[] { 2, 1, 5 }, new[] { 3, 1 })]
    [InlineData("Sub", new[] { 1, 2, 3, 4 }, new[] { 2, 1, 1 })]
    [InlineData("Div", new[] { 6 }, new[] { 1 })]
    public void BroadcastBinaryMatchesCpu(string op, int[] aDims, int[] bDims)
    {
        var random = new Random(aDims.Length * 10 + bDims.Length);
        var b = RandomFloats(random, bDims);
        if (op == "Div")
            b.AsSpan<float>()[0] = 1.75f;
        AssertClose(() => Node(op, "", ["a", "b"], ["y"]), [RandomFloats(random, aDims), b]);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, new long[] { 0, 2, 1, 3 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new long[] { 0, 2, 3, 1 })]
    [InlineData(new[] { 3, 7 }, new long[] { 1, 0 })]
    public void TransposeMatchesCpu(int[] dims, long[] perm) =>
        AssertClose(() => Node("Transpose", "", ["x"], ["y"], Ints("perm", perm)), [RandomFloats(new Random(dims.Sum()), dims)]);

    [Theory]
    [InlineData(new[] { 2, 4, 8, 3 }, new[] { 2, 4, 3, 8 })]
    [InlineData(new[] { 5, 6 }, new[] { 6, 2 })]
    [InlineData(new[] { 3, 2, 6 }, new[] { 6, 4 })]
    public void MatMulMatchesCpu(int[] aDims, int[] bDims)
    {
        var random = new Random(aDims.Sum() + bDims.Sum());
        AssertClose(() => Node("MatMul", "", ["a", "b"], ["y"]), [RandomFloats(random, aDims), RandomFloats(random, bDims)]);
    }

    [Fact]
    public void MatMulWithTheFusedScaleAndBiasMatchesCpu()
    {
        // MatMulScaleFusion and MatMulBiasFusion leave alpha and a third (bias) input on the node.
        var random = new Random(21);
        AssertClose(() => Node("MatMul", "", ["a", "b", "bias"], ["y"], Float(MatMulOperator.AlphaAttribute, 0.125f)),
            [RandomFloats(random, 2, 5, 8), RandomFloats(random, 8, 6), RandomFloats(random, 6)]);
    }

    [Theory]
    [InlineData("input", new[] { 2, 12 }, new long[] { 2, 3, 4 })]
    [InlineData("output", new[] { 2, 3, 4 }, new long[] { 2, 12 })]
    public void TransposeWithTheFusedReshapeMatchesCpu(string where, int[] dims, long[] shape) =>
        // ReshapeTransposeFusion leaves the Reshape's shape as input 1 and where it applies as an attribute.
        AssertClose(() => Node("Transpose", "", ["x", "shape"], ["y"], Ints("perm", 0, 2, 1),
                (TransposeOperator.ReshapeAttribute, new AttributeValue(AttributeKind.String, String: where))),
            [RandomFloats(new Random(dims.Sum()), dims)],
            constants: new Dictionary<string, Tensor> { ["shape"] = Tensor.FromArray<long>(new TensorShape(shape.Length), shape) });

    [Fact]
    public void SoftmaxMatchesCpu() =>
        AssertClose(() => Node("Softmax", "", ["x"], ["y"], Int("axis", -1)), [RandomFloats(new Random(9), 2, 4, 8, 8)]);

    [Fact]
    public void LayerNormalizationMatchesCpu()
    {
        var random = new Random(4);
        AssertClose(() => Node("LayerNormalization", "", ["x", "scale", "bias"], ["y"], Int("axis", -1), Float("epsilon", 1e-5f)),
            [RandomFloats(random, 3, 8, 32), RandomFloats(random, 32), RandomFloats(random, 32)]);
    }

    [Fact]
    public void ReduceMeanMatchesCpu() =>
        AssertClose(() => Node("ReduceMean", "", ["x"], ["y"], Ints("axes", 1), Int("keepdims", 0)), [RandomFloats(new Random(2), 3, 8, 32)]);

    [Fact]
    public void ErfMatchesCpu() =>
        AssertClose(() => Node("Erf", "", ["x"], ["y"]), [RandomFloats(new Random(11), 4, 33)]);

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void GeluMatchesCpu(string approximate) =>
        AssertClose(() => Node("Gelu", "", ["x"], ["y"], ("approximate", new AttributeValue(AttributeKind.String, String: approximate))), [RandomFloats(new Random(12), 3, 40)], opset: 20);

    [Fact]
    public void GlobalAveragePoolMatchesCpu() =>
        AssertClose(() => Node("GlobalAveragePool", "", ["x"], ["y"]), [RandomFloats(new Random(13), 2, 5, 6, 7)]);

    /// <summary>All inputs run-time; outputs within 1e-5 relative (+1e-6) of the CPU backend's, and the node ran on the device.</summary>
    private void AssertClose(Func<Node> node, Tensor[] inputs, int opset = 17, IReadOnlyDictionary<string, Tensor>? constants = null)
    {
        var cpu = Run(node, inputs, null, opset, constants, out _);
        var device = Run(node, inputs, fixture.Backend, opset, constants, out var plan);
        Assert.Contains(plan.Steps, s => s.Backend == fixture.Backend);
        Assert.Equal(cpu.Shape, device.Shape);
        var c = cpu.AsSpan<float>();
        var d = device.AsSpan<float>();
        for (int i = 0; i < c.Length; i++)
            Assert.True(Math.Abs(c[i] - d[i]) <= 1e-5 * Math.Abs(c[i]) + 2e-6, $"{node().OpType} element {i}: device {d[i]}, cpu {c[i]}");
    }

    private static Tensor Run(Func<Node> node, Tensor[] inputs, IlgpuBackend? backend, int opset, IReadOnlyDictionary<string, Tensor>? constants, out ExecutionPlan plan)
    {
        var n = node();
        n.Opset = opset;
        var graph = new Graph { Name = "float" };
        graph.OpsetImports[""] = opset;
        for (int i = 0; i < inputs.Length; i++)
            graph.Inputs.Add(new ValueInfo(n.Inputs[i], DataType.Float32, inputs[i].Shape.ToArray().Select(d => (int?)d).ToArray()));
        foreach (var (name, value) in constants ?? new Dictionary<string, Tensor>())
            graph.Initializers[name] = value;
        graph.Outputs.Add(new ValueInfo(n.Outputs[0], DataType.Float32, null));
        graph.Nodes.Add(n);
        using var session = new InferenceSession(graph, new SessionOptions { Optimizer = GraphOptimizer.None, Backends = backend is null ? [] : [backend] });
        plan = session.GetPlan(inputs.Select(t => (t.Type, t.Shape)).ToList());
        var outputs = new Tensor[1];
        session.Run(inputs, outputs);
        return outputs[0];
    }
}

using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.TestModels;

namespace Edge.Runtime.Tests.Operators.NN;

public sealed class FloatMaxPoolDepthTests
{
    [Fact]
    public void ThreeDimensionalPoolWithUnitDepthKernelPoolsEachDepthSliceSeparately()
    {
        // (1,1,2,5,4) with kernel [1,2,2] and strides [1,2,2]: odd H, two depth slices.
        var node = Node("MaxPool", ["x"], ["y"]);
        node.Attribute.Add(new Onnx.Protos.AttributeProto { Name = "kernel_shape", Type = Onnx.Protos.AttributeProto.Types.AttributeType.Ints, Ints = { 1, 2, 2 } });
        node.Attribute.Add(new Onnx.Protos.AttributeProto { Name = "strides", Type = Onnx.Protos.AttributeProto.Types.AttributeType.Ints, Ints = { 1, 2, 2 } });
        var session = new Edge.Runtime.Sessions.InferenceSession(Import(Model([node], [Value("x", 1, 1, 1, 2, 5, 4)], [Value("y", 1, 1, 1, 2, 2, 2)])));
        var values = Enumerable.Range(0, 40).Select(i => (float)((i * 37) % 41)).ToArray();
        var y = session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray<float>(new TensorShape(1, 1, 2, 5, 4), values) })["y"].AsSpan<float>().ToArray();
        var expected = new List<float>();
        for (int d = 0; d < 2; d++)
            for (int oh = 0; oh < 2; oh++)
                for (int ow = 0; ow < 2; ow++)
                {
                    float max = float.NegativeInfinity;
                    for (int kh = 0; kh < 2; kh++)
                        for (int kw = 0; kw < 2; kw++)
                            max = Math.Max(max, values[d * 20 + (oh * 2 + kh) * 4 + ow * 2 + kw]);
                    expected.Add(max);
                }
        Assert.Equal(expected, y);
    }
}

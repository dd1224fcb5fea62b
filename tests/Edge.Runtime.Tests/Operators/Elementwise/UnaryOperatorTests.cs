using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Elementwise.OperatorTestHarness;

namespace Edge.Runtime.Tests.Operators.Elementwise;

/// <summary>Relu, LeakyRelu, Sqrt, Sigmoid, Tanh and Erf beyond the official node tests.</summary>
public sealed class UnaryOperatorTests
{
    [Fact]
    public void ReluOfInt8()
    {
        var x = Tensor.FromArray(new TensorShape(3), new sbyte[] { -128, 0, 127 });
        Assert.Equal(new sbyte[] { 0, 0, 127 }, Run("Relu", 14, [x])[0].AsSpan<sbyte>().ToArray());
    }

    [Fact]
    public void LeakyReluScalesOnlyNegatives()
    {
        var x = Tensor.FromArray(new TensorShape(3), new[] { -2f, 0f, 3f });
        var attributes = Attributes(("alpha", new AttributeValue(AttributeKind.Float, Float: 0.5f)));
        Assert.Equal(new[] { -1f, 0f, 3f }, Run("LeakyRelu", 16, [x], attributes)[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public void FloatFunctionsCoverTheTailOfOddLengths()
    {
        var values = Enumerable.Range(0, 19).Select(i => i * 0.5f - 4f).ToArray();
        var x = Tensor.FromArray(new TensorShape(19), values);
        var sigmoid = Run("Sigmoid", 13, [x])[0].AsSpan<float>().ToArray();
        var tanh = Run("Tanh", 13, [x])[0].AsSpan<float>().ToArray();
        var sqrt = Run("Sqrt", 13, [x])[0].AsSpan<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-values[i])), sigmoid[i], 6);
            Assert.Equal(Math.Tanh(values[i]), tanh[i], 6);
            if (values[i] < 0)
                Assert.True(float.IsNaN(sqrt[i]));
            else
                Assert.Equal(Math.Sqrt(values[i]), sqrt[i], 6);
        }
    }

    [Fact]
    public void FloatFunctionsRejectIntegers()
    {
        var error = Assert.Throws<ModelException>(() => Run("Erf", 13, [Tensor.FromArray(new TensorShape(1), new[] { 1 })]));
        Assert.Contains("int32", error.Message);
    }
}

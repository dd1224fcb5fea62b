using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Elementwise.OperatorTestHarness;

namespace Edge.Runtime.Tests.Operators.Reduction;

public sealed class ReduceMeanOperatorTests
{
    private static readonly Tensor Data = Tensor.FromArray(new TensorShape(2, 3), new float[] { 1, 2, 3, 4, 5, 9 });

    [Fact]
    public void AxesAttributeBeforeOpset18()
    {
        var result = Run("ReduceMean", 13, [Data], Attributes(("axes", new AttributeValue(AttributeKind.Ints, Ints: [-1]))))[0];
        Assert.Equal(new TensorShape(2, 1), result.Shape);
        Assert.Equal(new float[] { 2, 6 }, result.AsSpan<float>().ToArray());
    }

    [Fact]
    public void AxesInputFromOpset18()
    {
        var axes = Tensor.FromArray(new TensorShape(1), new long[] { 0 });
        var result = Run("ReduceMean", 18, [Data, axes], Attributes(("keepdims", new AttributeValue(AttributeKind.Int, Int: 0))), constants: new HashSet<int> { 1 })[0];
        Assert.Equal(new TensorShape(3), result.Shape);
        Assert.Equal(new float[] { 2.5f, 3.5f, 6 }, result.AsSpan<float>().ToArray());
    }

    [Fact]
    public void NoAxesReducesEverything()
    {
        var result = Run("ReduceMean", 18, [Data])[0];
        Assert.Equal(new TensorShape(1, 1), result.Shape);
        Assert.Equal(4f, result.AsSpan<float>()[0]);
    }

    [Fact]
    public void EmptyAxesWithNoopReturnsTheInput()
    {
        var axes = Tensor.FromArray(new TensorShape(0), Array.Empty<long>());
        var result = Run("ReduceMean", 18, [Data, axes], Attributes(("noop_with_empty_axes", new AttributeValue(AttributeKind.Int, Int: 1))), constants: new HashSet<int> { 1 })[0];
        Assert.Equal(Data.Shape, result.Shape);
        Assert.Equal(Data.AsSpan<float>().ToArray(), result.AsSpan<float>().ToArray());
    }

    [Fact]
    public void Int32MeanTruncates()
    {
        var data = Tensor.FromArray(new TensorShape(2, 2), new[] { 1, 2, -3, -4 });
        var result = Run("ReduceMean", 13, [data], Attributes(("axes", new AttributeValue(AttributeKind.Ints, Ints: [1]))))[0];
        Assert.Equal(new[] { 1, -3 }, result.AsSpan<int>().ToArray());
    }

    [Fact]
    public void AxesAttributeAtOpset18IsRejected()
    {
        var error = Assert.Throws<ModelException>(() => Run("ReduceMean", 18, [Data], Attributes(("axes", new AttributeValue(AttributeKind.Ints, Ints: [1])))));
        Assert.Contains("'axes'", error.Message);
    }

    [Fact]
    public void OutOfRangeAxisIsRejected()
    {
        var error = Assert.Throws<ModelException>(() => Run("ReduceMean", 13, [Data], Attributes(("axes", new AttributeValue(AttributeKind.Ints, Ints: [2])))));
        Assert.Contains("node0", error.Message);
    }

    [Fact]
    public void MaxMinAndProdShareTheLayouts()
    {
        var attributes = Attributes(("axes", new AttributeValue(AttributeKind.Ints, Ints: [0])));
        Assert.Equal(new float[] { 4, 5, 9 }, Run("ReduceMax", 13, [Data], attributes)[0].AsSpan<float>().ToArray());
        Assert.Equal(new float[] { 1, 2, 3 }, Run("ReduceMin", 13, [Data], attributes)[0].AsSpan<float>().ToArray());
        Assert.Equal(new float[] { 4, 10, 27 }, Run("ReduceProd", 13, [Data], attributes)[0].AsSpan<float>().ToArray());
    }
}

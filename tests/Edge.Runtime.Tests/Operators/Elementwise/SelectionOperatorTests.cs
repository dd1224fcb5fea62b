using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Elementwise.OperatorTestHarness;

namespace Edge.Runtime.Tests.Operators.Elementwise;

/// <summary>Where, Max, Min and Clip.</summary>
public sealed class SelectionOperatorTests
{
    [Fact]
    public void WhereBroadcastsAllThreeInputs()
    {
        var condition = Tensor.FromArray(new TensorShape(2, 1), new[] { true, false });
        var x = Tensor.FromArray(new TensorShape(1, 3), new long[] { 1, 2, 3 });
        var y = Tensor.Scalar(-1L);
        var result = Run("Where", 16, [condition, x, y])[0];
        Assert.Equal(new TensorShape(2, 3), result.Shape);
        Assert.Equal(new long[] { 1, 2, 3, -1, -1, -1 }, result.AsSpan<long>().ToArray());
    }

    [Fact]
    public void WhereOverLongFloatRunsMatchesScalarSelection()
    {
        // A causal mask [1,1,S,S] over scores [2,3,S,S] with a scalar fill: the vectorised 8-lane path plus a tail.
        const int s = 13;
        var mask = Enumerable.Range(0, s * s).Select(i => i % s <= i / s).ToArray();
        var scores = Enumerable.Range(0, 6 * s * s).Select(i => i * 0.25f).ToArray();
        var result = Run("Where", 16, [Tensor.FromArray(new TensorShape(1, 1, s, s), mask), Tensor.FromArray(new TensorShape(2, 3, s, s), scores), Tensor.Scalar(-1e9f)])[0].AsSpan<float>().ToArray();
        for (int i = 0; i < scores.Length; i++)
            Assert.Equal(mask[i % (s * s)] ? scores[i] : -1e9f, result[i]);
    }

    [Fact]
    public void WhereWithConditionBroadcastAlongRunsCopiesOrFills()
    {
        var condition = Tensor.FromArray(new TensorShape(3, 1), new[] { true, false, true });
        var x = Tensor.FromArray(new TensorShape(3, 4), Enumerable.Range(0, 12).ToArray());
        var y = Tensor.FromArray(new TensorShape(1, 4), new[] { -1, -2, -3, -4 });
        Assert.Equal(new[] { 0, 1, 2, 3, -1, -2, -3, -4, 8, 9, 10, 11 }, Run("Where", 16, [condition, x, y])[0].AsSpan<int>().ToArray());
        var scalarY = Run("Where", 16, [condition, x, Tensor.Scalar(7)])[0].AsSpan<int>().ToArray();
        Assert.Equal(new[] { 0, 1, 2, 3, 7, 7, 7, 7, 8, 9, 10, 11 }, scalarY);
    }

    [Fact]
    public void WhereSelectsBoolValues()
    {
        var condition = Tensor.FromArray(new TensorShape(3), new[] { true, false, true });
        var x = Tensor.FromArray(new TensorShape(3), new[] { false, false, true });
        var y = Tensor.FromArray(new TensorShape(3), new[] { true, true, false });
        Assert.Equal(new[] { false, true, true }, Run("Where", 16, [condition, x, y])[0].AsSpan<bool>().ToArray());
    }

    [Fact]
    public void WhereRejectsMismatchedShapes()
    {
        var condition = Tensor.FromArray(new TensorShape(2), new[] { true, false });
        var x = Tensor.FromArray(new TensorShape(3), new float[3]);
        var error = Assert.Throws<ModelException>(() => Run("Where", 16, [condition, x, x]));
        Assert.Contains("node0", error.Message);
    }

    [Fact]
    public void MaxFoldsThreeBroadcastInputs()
    {
        var a = Tensor.FromArray(new TensorShape(3), new[] { 1, 5, 3 });
        var b = Tensor.FromArray(new TensorShape(2, 1), new[] { 2, 4 });
        var c = Tensor.Scalar(0);
        var result = Run("Max", 13, [a, b, c])[0];
        Assert.Equal(new TensorShape(2, 3), result.Shape);
        Assert.Equal(new[] { 2, 5, 3, 4, 5, 4 }, result.AsSpan<int>().ToArray());
    }

    [Fact]
    public void MinOfUInt8()
    {
        var a = Tensor.FromArray(new TensorShape(2), new byte[] { 200, 3 });
        var b = Tensor.FromArray(new TensorShape(2), new byte[] { 100, 250 });
        Assert.Equal(new byte[] { 100, 3 }, Run("Min", 13, [a, b])[0].AsSpan<byte>().ToArray());
    }

    [Fact]
    public void ClipWithMinAboveMaxGivesMax()
    {
        var x = Tensor.FromArray(new TensorShape(3), new[] { -5f, 0f, 5f });
        var result = Run("Clip", 13, [x, Tensor.Scalar(2f), Tensor.Scalar(1f)])[0];
        Assert.Equal(new[] { 1f, 1f, 1f }, result.AsSpan<float>().ToArray());
    }

    [Fact]
    public void ClipInt64WithOnlyMax()
    {
        var x = Tensor.FromArray(new TensorShape(3), new[] { long.MinValue, 0L, 9L });
        var result = Run("Clip", 13, [x, null, Tensor.Scalar(4L)])[0];
        Assert.Equal(new[] { long.MinValue, 0L, 4L }, result.AsSpan<long>().ToArray());
    }

    [Fact]
    public void ClipRejectsNonScalarBounds()
    {
        var x = Tensor.FromArray(new TensorShape(3), new float[3]);
        var error = Assert.Throws<ModelException>(() => Run("Clip", 13, [x, Tensor.FromArray(new TensorShape(2), new float[2])]));
        Assert.Contains("min", error.Message);
    }
}

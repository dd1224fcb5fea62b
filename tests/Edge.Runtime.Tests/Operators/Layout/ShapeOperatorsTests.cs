using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

/// <summary>Expand, Concat, Squeeze, Unsqueeze and Flatten: results beyond the node tests, and their errors.</summary>
public sealed class ShapeOperatorsTests
{
    [Fact]
    public void ExpandBroadcastsBothWays()
    {
        var x = Tensor.FromArray(new TensorShape(3, 1), new[] { 1, 2, 3 });
        var y = Run("Expand", [Fed(x), Const(Ints(2, 1, 4))])[0];
        Assert.Equal(new TensorShape(2, 3, 4), y.Shape);
        Assert.Equal(new[] { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }, y.AsSpan<int>().ToArray());
    }

    [Fact]
    public void ExpandRepeatsRowsOfBools()
    {
        var x = Tensor.FromArray(new TensorShape(1, 3), new[] { true, false, true });
        var y = Run("Expand", [Fed(x), Const(Ints(2, 3))])[0];
        Assert.Equal(new[] { true, false, true, true, false, true }, y.AsSpan<bool>().ToArray());
    }

    [Fact]
    public void ExpandToAnIncompatibleShapeIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Expand", [Fed(Floats([3])), Const(Ints(4))]));
        Assert.Contains("cannot expand [3] to [4]", e.Message);
    }

    [Fact]
    public void ConcatJoinsInt64AlongTheMiddleAxis()
    {
        var a = Tensor.FromArray(new TensorShape(2, 1, 2), new long[] { 1, 2, 3, 4 });
        var b = Tensor.FromArray(new TensorShape(2, 2, 2), new long[] { 5, 6, 7, 8, 9, 10, 11, 12 });
        var y = Run("Concat", [Fed(a), Const(b)], attributes: x => x.SetInt("axis", 1))[0];
        Assert.Equal(new long[] { 1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12 }, y.AsSpan<long>().ToArray());
    }

    [Fact]
    public void ConcatOfMismatchedShapesIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Concat", [Fed(Floats([2, 3])), Fed(Floats([3, 3]))], attributes: x => x.SetInt("axis", 1)));
        Assert.Contains("input 1 has shape [3,3]", e.Message);
    }

    [Fact]
    public void SqueezeOfAnAxisLargerThanOneIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Squeeze", [Fed(Floats([1, 3])), Const(Ints(1))]));
        Assert.Contains("cannot squeeze axis 1", e.Message);
    }

    [Fact]
    public void SqueezeWithoutAxesRemovesEverySizeOneAxis()
    {
        var y = Run("Squeeze", [Fed(Floats([1, 3, 1, 2]))])[0];
        Assert.Equal(new TensorShape(3, 2), y.Shape);
    }

    [Fact]
    public void UnsqueezeWithRepeatedAxisIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Unsqueeze", [Fed(Floats([3])), Const(Ints(0, -3))]));
        Assert.Contains("repeats axis", e.Message);
    }

    [Fact]
    public void FlattenAxisOutOfRangeIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Flatten", [Fed(Floats([2, 3]))], attributes: x => x.SetInt("axis", 3)));
        Assert.Contains("attribute 'axis' = 3 is out of range", e.Message);
    }
}

using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

public sealed class ReshapeOperatorTests
{
    [Fact]
    public void TwoInferredDimensionsAreRejectedNamingTheNode()
    {
        var e = Assert.Throws<ModelException>(() => Run("Reshape", [Fed(Floats([2, 3, 4])), Const(Ints(-1, -1))]));
        Assert.Contains("node 'n' (Reshape", e.Message);
        Assert.Contains("more than one -1", e.Message);
    }

    [Fact]
    public void ZeroCopiesTheInputDimensionAndMinusOneTakesTheRest()
    {
        var y = Run("Reshape", [Fed(Floats([2, 3, 4])), Const(Ints(0, -1))])[0];
        Assert.Equal(new TensorShape(2, 12), y.Shape);
        Assert.Equal(Floats([2, 3, 4]).AsSpan<float>().ToArray(), y.AsSpan<float>().ToArray());
    }

    [Fact]
    public void AllowZeroKeepsZeroAsADimension()
    {
        var y = Run("Reshape", [Fed(Floats([0, 3])), Const(Ints(3, 0))], opset: 14, attributes: a => a.SetInt("allowzero", 1))[0];
        Assert.Equal(new TensorShape(3, 0), y.Shape);
    }

    [Fact]
    public void AllowZeroWithMinusOneIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Reshape", [Fed(Floats([0, 3])), Const(Ints(0, -1))], opset: 14, attributes: a => a.SetInt("allowzero", 1)));
        Assert.Contains("allowzero", e.Message);
    }

    [Fact]
    public void ElementCountMismatchIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Reshape", [Fed(Floats([2, 3])), Const(Ints(4, 2))]));
        Assert.Contains("cannot reshape [2,3]", e.Message);
    }

    [Fact]
    public void ShapeComputedAtRunTimeIsRejectedNamingTheInput()
    {
        var e = Assert.Throws<ModelException>(() => Run("Reshape", [Fed(Floats([2, 3])), Fed(Ints(3, 2))]));
        Assert.Contains("input 1 (shape) must be known", e.Message);
    }

    [Fact]
    public void BoolTensorsReshapeByteForByte()
    {
        var x = Tensor.FromArray(new TensorShape(2, 2), new[] { true, false, false, true });
        var y = Run("Reshape", [Fed(x), Const(Ints(4))])[0];
        Assert.Equal(new[] { true, false, false, true }, y.AsSpan<bool>().ToArray());
    }
}

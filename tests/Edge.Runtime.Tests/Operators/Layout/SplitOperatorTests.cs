using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

public sealed class SplitOperatorTests
{
    [Fact]
    public void NumOutputsLeavesTheLastChunkSmaller()
    {
        var outputs = Run("Split", [Fed(Floats([2, 7]))], outputs: 3, opset: 18, attributes: a =>
        {
            a.SetInt("axis", 1);
            a.SetInt("num_outputs", 3);
        });
        Assert.Equal([new TensorShape(2, 3), new TensorShape(2, 3), new TensorShape(2, 1)], outputs.Select(o => o.Shape));
        Assert.Equal(new float[] { 0, 1, 2, 7, 8, 9 }, outputs[0].AsSpan<float>().ToArray());
        Assert.Equal(new float[] { 6, 13 }, outputs[2].AsSpan<float>().ToArray());
    }

    [Fact]
    public void SplitInputGivesTheSizes()
    {
        var data = Tensor.FromArray(new TensorShape(5), new[] { true, false, true, true, false });
        var outputs = Run("Split", [Fed(data), Const(Ints(2, 0, 3))], outputs: 3);
        Assert.Equal(new[] { true, false }, outputs[0].AsSpan<bool>().ToArray());
        Assert.Equal(0, outputs[1].ElementCount);
        Assert.Equal(new[] { true, true, false }, outputs[2].AsSpan<bool>().ToArray());
    }

    [Fact]
    public void UnevenEqualSplitWithoutSizesIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Split", [Fed(Floats([7]))], outputs: 2));
        Assert.Contains("cannot be split into 2 equal parts", e.Message);
    }

    [Fact]
    public void SizesThatDoNotAddUpAreRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Split", [Fed(Floats([7])), Const(Ints(3, 3))], outputs: 2));
        Assert.Contains("does not add up to 7", e.Message);
    }
}

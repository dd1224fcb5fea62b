using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

public sealed class GatherOperatorTests
{
    [Fact]
    public void ConstantIndexOutOfRangeFailsAtLoadNamingTheNode()
    {
        var e = Assert.Throws<ModelException>(() => Run("Gather", [Fed(Floats([4, 2])), Const(Ints(1, 4))]));
        Assert.Contains("node 'n' (Gather", e.Message);
        Assert.Contains("index 4 is out of range [-4, 3]", e.Message);
    }

    [Fact]
    public void RunTimeIndexOutOfRangeFailsNamingTheNode()
    {
        var e = Assert.Throws<ModelException>(() => Run("Gather", [Const(Floats([4, 2])), Fed(Ints(0, -5))]));
        Assert.Contains("node 'n' (Gather", e.Message);
        Assert.Contains("index -5 is out of range", e.Message);
    }

    [Fact]
    public void EmbeddingLookupWithRunTimeInt32Indices()
    {
        var table = Floats([5, 3]);
        var ids = Tensor.FromArray(new TensorShape(2, 2), new[] { 4, 0, -1, 2 });
        var y = Run("Gather", [Const(table), Fed(ids)])[0];
        Assert.Equal(new TensorShape(2, 2, 3), y.Shape);
        Assert.Equal(new float[] { 12, 13, 14, 0, 1, 2, 12, 13, 14, 6, 7, 8 }, y.AsSpan<float>().ToArray());
    }

    [Fact]
    public void InnerAxisGatherOfSingleElements()
    {
        var data = Tensor.FromArray(new TensorShape(2, 3), new long[] { 10, 11, 12, 20, 21, 22 });
        var y = Run("Gather", [Fed(data), Fed(Ints(2, 0))], attributes: a => a.SetInt("axis", -1))[0];
        Assert.Equal(new TensorShape(2, 2), y.Shape);
        Assert.Equal(new long[] { 12, 10, 22, 20 }, y.AsSpan<long>().ToArray());
    }

    [Fact]
    public void ScalarIndexDropsTheAxis()
    {
        var indices = Tensor.Scalar(1L);
        var y = Run("Gather", [Fed(Floats([3, 2])), Const(indices)])[0];
        Assert.Equal(new TensorShape(2), y.Shape);
        Assert.Equal(new float[] { 2, 3 }, y.AsSpan<float>().ToArray());
    }
}

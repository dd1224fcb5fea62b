using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

public sealed class SliceOperatorTests
{
    private static float[] Slice1D(int length, long start, long end, long step)
    {
        var y = Run("Slice", [Fed(Floats([length])), Const(Ints(start)), Const(Ints(end)), Const(Ints(0)), Const(Ints(step))])[0];
        return y.AsSpan<float>().ToArray();
    }

    [Fact]
    public void NegativeStepWalksBackwardsFromTheClampedStart()
    {
        Assert.Equal(new float[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 }, Slice1D(10, long.MaxValue, long.MinValue, -1));
        Assert.Equal(new float[] { 8, 6, 4 }, Slice1D(10, -2, 2, -2));
        Assert.Equal(new float[] { 9, 6, 3 }, Slice1D(10, 20, 0, -3));
    }

    [Fact]
    public void OutOfRangeBoundsAreClamped()
    {
        Assert.Equal(new float[] { 3, 4, 5, 6, 7, 8, 9 }, Slice1D(10, 3, 1000, 1));
        Assert.Equal(new float[] { 0, 1 }, Slice1D(10, -1000, 2, 1));
        Assert.Empty(Slice1D(10, 12, 20, 1));
        Assert.Empty(Slice1D(10, 2, 5, -1));
    }

    [Fact]
    public void SlicesSeveralAxesWithInt32Parameters()
    {
        static Tensor I32(params int[] v) => Tensor.FromArray(new TensorShape(v.Length), v);
        var y = Run("Slice", [Fed(Floats([3, 4, 5])), Const(I32(1, 4)), Const(I32(3, 0)), Const(I32(0, -1)), Const(I32(1, -2))])[0];
        Assert.Equal(new TensorShape(2, 4, 2), y.Shape);
        var expected = new List<float>();
        for (int a = 1; a < 3; a++)
            for (int b = 0; b < 4; b++)
                for (int c = 4; c > 0; c -= 2)
                    expected.Add(a * 20 + b * 5 + c);
        Assert.Equal(expected, y.AsSpan<float>().ToArray());
    }

    [Fact]
    public void ZeroStepIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Slice1D(10, 0, 5, 0));
        Assert.Contains("node 'n' (Slice", e.Message);
        Assert.Contains("steps", e.Message);
    }
}

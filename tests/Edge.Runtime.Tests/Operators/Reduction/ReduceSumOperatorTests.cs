using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Elementwise.OperatorTestHarness;

namespace Edge.Runtime.Tests.Operators.Reduction;

public sealed class ReduceSumOperatorTests
{
    [Fact]
    public void AxesComputedAtRunTimeFailNamingTheNode()
    {
        var data = Tensor.FromArray(new TensorShape(2, 3), new float[6]);
        var axes = Tensor.FromArray(new TensorShape(1), new long[] { 1 });
        var error = Assert.Throws<ModelException>(() => Run("ReduceSum", 13, [data, axes]));
        Assert.Contains("node0", error.Message);
        Assert.Contains("axes", error.Message);
    }

    [Fact]
    public void Int64SumsOverMiddleAxisKeepingDims()
    {
        var data = Tensor.FromArray(new TensorShape(2, 3, 2), Enumerable.Range(0, 12).Select(i => (long)i).ToArray());
        var axes = Tensor.FromArray(new TensorShape(1), new long[] { 1 });
        var result = Run("ReduceSum", 13, [data, axes], constants: new HashSet<int> { 1 })[0];
        Assert.Equal(new TensorShape(2, 1, 2), result.Shape);
        Assert.Equal(new long[] { 0 + 2 + 4, 1 + 3 + 5, 6 + 8 + 10, 7 + 9 + 11 }, result.AsSpan<long>().ToArray());
    }

    [Fact]
    public void InterleavedAxesMatchANaiveSum()
    {
        // Axes 0 and 2 of [3,4,5,6]: neither a trailing nor a single middle block, so the general walk runs.
        var shape = new TensorShape(3, 4, 5, 6);
        var values = Enumerable.Range(0, shape.ElementCount).Select(i => (float)Math.Sin(i)).ToArray();
        var axes = Tensor.FromArray(new TensorShape(2), new long[] { 0, -2 });
        var result = Run("ReduceSum", 13, [Tensor.FromArray(shape, values), axes], Attributes(("keepdims", new AttributeValue(AttributeKind.Int, Int: 0))), constants: new HashSet<int> { 1 })[0];
        Assert.Equal(new TensorShape(4, 6), result.Shape);
        var actual = result.AsSpan<float>();
        for (int j = 0; j < 4; j++)
            for (int l = 0; l < 6; l++)
            {
                double sum = 0;
                for (int i = 0; i < 3; i++)
                    for (int k = 0; k < 5; k++)
                        sum += values[((i * 4 + j) * 5 + k) * 6 + l];
                Assert.Equal(sum, actual[j * 6 + l], 4);
            }
    }

    [Fact]
    public void LongContiguousRowsSumAccurately()
    {
        var values = Enumerable.Range(0, 10_000).Select(i => 0.1f + i % 7).ToArray();
        var result = Run("ReduceSum", 13, [Tensor.FromArray(new TensorShape(2, 5_000), values), Tensor.FromArray(new TensorShape(1), new long[] { 1 })], constants: new HashSet<int> { 1 })[0];
        for (int r = 0; r < 2; r++)
        {
            double expected = values.Skip(r * 5_000).Take(5_000).Sum(v => (double)v);
            Assert.InRange(result.AsSpan<float>()[r], expected * (1 - 1e-5), expected * (1 + 1e-5));
        }
    }

    [Fact]
    public void DuplicateAxisIsRejected()
    {
        var data = Tensor.FromArray(new TensorShape(2, 3), new float[6]);
        var axes = Tensor.FromArray(new TensorShape(2), new long[] { 1, -1 });
        var error = Assert.Throws<ModelException>(() => Run("ReduceSum", 13, [data, axes], constants: new HashSet<int> { 1 }));
        Assert.Contains("twice", error.Message);
    }
}

using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

public sealed class TransposeOperatorTests
{
    [Fact]
    public void PermutationOfWrongLengthIsRejectedNamingTheAttribute()
    {
        var e = Assert.Throws<ModelException>(() => Run("Transpose", [Fed(Floats([2, 3, 4]))], attributes: a => a.SetInts("perm", 1, 0)));
        Assert.Contains("node 'n' (Transpose", e.Message);
        Assert.Contains("'perm' [1,0] has 2 entries; the input has rank 3", e.Message);
    }

    [Fact]
    public void RepeatedAxisInPermutationIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("Transpose", [Fed(Floats([2, 3]))], attributes: a => a.SetInts("perm", 0, 0)));
        Assert.Contains("not a permutation", e.Message);
    }

    [Fact]
    public void ShapeInputWithoutTheReshapeAttributeIsRejectedNamingTheNode()
    {
        var e = Assert.Throws<ModelException>(() => Run("Transpose", [Fed(Floats([2, 3, 4])), Const(Ints(6, 4))], attributes: a => a.SetInts("perm", 1, 0)));
        Assert.Contains("node 'n' (Transpose", e.Message);
        Assert.Contains("'reshape'", e.Message);
    }

    [Theory]
    [InlineData("input")]
    [InlineData("output")]
    public void FusedReshapeMovesValuesAsReshapeAndTransposeWould(string where)
    {
        // [2,3,4] as [6,4] then permuted to [4,6]; or permuted to [4,3,2] then read as [12,2].
        var source = Floats([2, 3, 4], i => i * 0.25f - 1);
        var values = source.AsSpan<float>().ToArray();
        long[] shape = where == "input" ? [6, 4] : [12, -1];
        long[] perm = where == "input" ? [1, 0] : [2, 1, 0];
        var y = Run("Transpose", [Fed(source), Const(Ints(shape))], attributes: a =>
        {
            a.SetInts("perm", perm);
            a.Set("reshape", new Edge.Runtime.Graphs.AttributeValue(Edge.Runtime.Graphs.AttributeKind.String, String: where));
        })[0];
        var expected = where == "input" ? Reference(values, [6, 4], [1, 0]) : Reference(values, [2, 3, 4], [2, 1, 0]);
        Assert.Equal(where == "input" ? new TensorShape(4, 6) : new TensorShape(12, 2), y.Shape);
        Assert.Equal(expected, y.AsSpan<float>().ToArray());
    }

    public static TheoryData<int[], int[]> Cases() => new()
    {
        { [2, 3], [1, 0] },                 // small 2-D: strided loop
        { [37, 53], [1, 0] },               // 2-D transpose in tiles
        { [3, 37, 53], [0, 2, 1] },         // batched tiles
        { [2, 5, 3, 7], [0, 2, 1, 3] },     // last axis kept: contiguous runs
        { [2, 5, 3, 7], [3, 1, 0, 2] },     // general
        { [4, 1, 6, 5], [2, 3, 1, 0] },     // size-1 axis dropped
        { [2, 3, 4, 5, 6], [4, 0, 3, 1, 2] },
        { [5, 0, 3], [2, 0, 1] },           // empty
        { [6], [0] },
        { [64, 48], [1, 0] },               // whole 8x8 SIMD blocks
        { [2, 19, 8, 21], [0, 3, 2, 1] },   // batched, ragged edges
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesIndexArithmeticForEveryElementSize(int[] shape, int[] perm)
    {
        var source = Floats(shape, i => i * 0.5f - 3);
        var expected = Reference(source.AsSpan<float>().ToArray(), shape, perm);

        var y = Run("Transpose", [Fed(source)], attributes: a => a.SetInts("perm", perm.Select(p => (long)p).ToArray()))[0];
        Assert.Equal(expected, y.AsSpan<float>().ToArray());

        var longs = Tensor.FromArray(new TensorShape(shape), source.AsSpan<float>().ToArray().Select(v => (long)(v * 2)).ToArray());
        var yLong = Run("Transpose", [Fed(longs)], attributes: a => a.SetInts("perm", perm.Select(p => (long)p).ToArray()))[0];
        Assert.Equal(expected.Select(v => (long)(v * 2)).ToArray(), yLong.AsSpan<long>().ToArray());

        var bytes = Tensor.FromArray(new TensorShape(shape), source.AsSpan<float>().ToArray().Select(v => (sbyte)(v * 2)).ToArray());
        var yByte = Run("Transpose", [Fed(bytes)], attributes: a => a.SetInts("perm", perm.Select(p => (long)p).ToArray()))[0];
        Assert.Equal(expected.Select(v => (sbyte)(v * 2)).ToArray(), yByte.AsSpan<sbyte>().ToArray());
    }

    [Fact]
    public void DefaultPermutationReversesTheAxes()
    {
        var y = Run("Transpose", [Fed(Floats([2, 3, 4]))])[0];
        Assert.Equal(new TensorShape(4, 3, 2), y.Shape);
        Assert.Equal(Reference(Floats([2, 3, 4]).AsSpan<float>().ToArray(), [2, 3, 4], [2, 1, 0]), y.AsSpan<float>().ToArray());
    }

    private static float[] Reference(float[] data, int[] shape, int[] perm)
    {
        var inShape = new TensorShape(shape);
        var strides = inShape.Strides();
        var outDims = perm.Select(p => shape[p]).ToArray();
        var result = new float[data.Length];
        var index = new int[shape.Length];
        for (int o = 0; o < result.Length; o++)
        {
            int rest = o, offset = 0;
            for (int d = outDims.Length - 1; d >= 0; d--)
            {
                index[d] = rest % outDims[d];
                rest /= outDims[d];
                offset += index[d] * strides[perm[d]];
            }
            result[o] = data[offset];
        }
        return result;
    }
}

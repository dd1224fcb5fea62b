using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Elementwise.OperatorTestHarness;

namespace Edge.Runtime.Tests.Operators.Elementwise;

/// <summary>Add, Sub, Mul and Div: broadcasting, integer types and their edge cases.</summary>
public sealed class BinaryArithmeticTests
{
    [Fact]
    public void MismatchedShapesFailNamingTheNode()
    {
        var a = Tensor.FromArray(new TensorShape(2, 3), new float[6]);
        var b = Tensor.FromArray(new TensorShape(2), new float[2]);
        var error = Assert.Throws<ModelException>(() => Run("Add", 14, [a, b]));
        Assert.Contains("node0", error.Message);
        Assert.Contains("broadcast", error.Message);
    }

    [Fact]
    public void MixedInputTypesAreRejected()
    {
        var a = Tensor.FromArray(new TensorShape(2), new float[2]);
        var b = Tensor.FromArray(new TensorShape(2), new int[2]);
        Assert.Throws<ModelException>(() => Run("Mul", 14, [a, b]));
    }

    [Fact]
    public void BroadcastsBothInputsAcrossEachOther()
    {
        // [3,1] − [1,4] → [3,4]: neither input has the output's shape.
        var a = Tensor.FromArray(new TensorShape(3, 1), new float[] { 10, 20, 30 });
        var b = Tensor.FromArray(new TensorShape(1, 4), new float[] { 1, 2, 3, 4 });
        var result = Run("Sub", 14, [a, b])[0];
        Assert.Equal(new TensorShape(3, 4), result.Shape);
        Assert.Equal(new float[] { 9, 8, 7, 6, 19, 18, 17, 16, 29, 28, 27, 26 }, result.AsSpan<float>().ToArray());
    }

    [Fact]
    public void PerChannelBiasOverNchwMatchesNaiveIndexing()
    {
        // [2,3,5,7] + [3,1,1]: axes H and W merge into one run per channel.
        var shape = new TensorShape(2, 3, 5, 7);
        var x = Enumerable.Range(0, shape.ElementCount).Select(i => (float)i).ToArray();
        var bias = new float[] { 1000, 2000, 3000 };
        var result = Run("Add", 14, [Tensor.FromArray(shape, x), Tensor.FromArray(new TensorShape(3, 1, 1), bias)])[0].AsSpan<float>().ToArray();
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(x[i] + bias[i / 35 % 3], result[i]);
    }

    [Fact]
    public void LongRunsTakeTheVectorPathAndTail()
    {
        var a = Enumerable.Range(0, 67).Select(i => (long)i * 1_000_000_007L).ToArray();
        var result = Run("Mul", 14, [Tensor.FromArray(new TensorShape(67), a), Tensor.Scalar(3L)])[0].AsSpan<long>().ToArray();
        Assert.Equal(a.Select(v => v * 3).ToArray(), result);
    }

    [Fact]
    public void IntegerDivisionTruncatesTowardZero()
    {
        var a = Tensor.FromArray(new TensorShape(4), new[] { 7, -7, 7, -7 });
        var b = Tensor.FromArray(new TensorShape(4), new[] { 2, 2, -2, -2 });
        Assert.Equal(new[] { 3, -3, -3, 3 }, Run("Div", 14, [a, b])[0].AsSpan<int>().ToArray());
    }

    /// <summary>ONNX leaves integer x/0 undefined (ORT traps); Edge defines it as 0 and wraps MinValue/−1.</summary>
    [Fact]
    public void IntegerDivisionByZeroGivesZeroAndMinValueByMinusOneWraps()
    {
        var a = Tensor.FromArray(new TensorShape(3), new[] { 5L, long.MinValue, -9L });
        var b = Tensor.FromArray(new TensorShape(3), new[] { 0L, -1L, 0L });
        Assert.Equal(new[] { 0L, long.MinValue, 0L }, Run("Div", 14, [a, b])[0].AsSpan<long>().ToArray());
        var c = Tensor.FromArray(new TensorShape(2), new byte[] { 200, 7 });
        Assert.Equal(new byte[] { 0, 0 }, Run("Div", 14, [c, Tensor.Scalar((byte)0)])[0].AsSpan<byte>().ToArray());
    }

    [Fact]
    public void Int8AdditionWraps()
    {
        var a = Tensor.FromArray(new TensorShape(2), new sbyte[] { 127, -128 });
        var b = Tensor.FromArray(new TensorShape(2), new sbyte[] { 1, -1 });
        Assert.Equal(new sbyte[] { -128, 127 }, Run("Add", 14, [a, b])[0].AsSpan<sbyte>().ToArray());
    }

    [Fact]
    public void PowTakesIntegerExponentsComputedAtRunTime()
    {
        var x = Tensor.FromArray(new TensorShape(2, 2), new[] { 2f, 3f, -2f, 0.5f });
        var y = Tensor.FromArray(new TensorShape(2), new[] { 3, -1 });
        Assert.Equal(new[] { 8f, 1 / 3f, -8f, 2f }, Run("Pow", 15, [x, y])[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public void PowByConstantTwoSquares()
    {
        var x = Tensor.FromArray(new TensorShape(3), new[] { -3f, 0.5f, 1e20f });
        var result = Run("Pow", 15, [x, Tensor.Scalar(2f)], constants: new HashSet<int> { 1 })[0];
        Assert.Equal(new[] { 9f, 0.25f, float.PositiveInfinity }, result.AsSpan<float>().ToArray());
    }

    [Fact]
    public void IntegerBasePowTruncatesLikeOnnxRuntime()
    {
        var x = Tensor.FromArray(new TensorShape(3), new long[] { 2, 3, 10 });
        var y = Tensor.FromArray(new TensorShape(3), new[] { 10f, 0.5f, -1f });
        Assert.Equal(new long[] { 1024, 1, 0 }, Run("Pow", 15, [x, y])[0].AsSpan<long>().ToArray());
    }
}

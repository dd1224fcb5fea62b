using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

public sealed class CastOperatorTests
{
    private static readonly DataType[] Types = [DataType.Float32, DataType.Int64, DataType.Int32, DataType.UInt8, DataType.Int8, DataType.Bool];

    private static Tensor Cast(Tensor x, DataType to) => Run("Cast", [Fed(x)], attributes: a => a.SetInt("to", (int)to))[0];

    [Fact]
    public void FloatToIntegerTruncatesTowardZero()
    {
        var x = Tensor.FromArray(new TensorShape(6), new[] { 2.7f, -2.7f, 0.5f, -0.5f, 100.99f, -100.99f });
        Assert.Equal(new[] { 2, -2, 0, 0, 100, -100 }, Cast(x, DataType.Int32).AsSpan<int>().ToArray());
        Assert.Equal(new long[] { 2, -2, 0, 0, 100, -100 }, Cast(x, DataType.Int64).AsSpan<long>().ToArray());
        Assert.Equal(new sbyte[] { 2, -2, 0, 0, 100, -100 }, Cast(x, DataType.Int8).AsSpan<sbyte>().ToArray());
    }

    [Fact]
    public void VectorisedFloatToInt32MatchesScalarTail()
    {
        var values = Enumerable.Range(0, 67).Select(i => (i - 33) * 0.75f).ToArray();
        // Out-of-range values and NaN (undefined in C) give the same answer in the SIMD body and the scalar tail.
        values[1] = values[65] = float.NaN;
        values[2] = values[66] = 3e9f;
        values[3] = values[64] = -3e9f;
        var y = Cast(Tensor.FromArray(new TensorShape(values.Length), values), DataType.Int32);
        Assert.Equal(values.Select(v => (int)v).ToArray(), y.AsSpan<int>().ToArray());
    }

    [Fact]
    public void NarrowIntegerTargetsWrap()
    {
        var x = Tensor.FromArray(new TensorShape(3), new long[] { 300, -1, 4294967297 });
        Assert.Equal(new byte[] { 44, 255, 1 }, Cast(x, DataType.UInt8).AsSpan<byte>().ToArray());
        Assert.Equal(new[] { 300, -1, 1 }, Cast(x, DataType.Int32).AsSpan<int>().ToArray());
    }

    [Fact]
    public void AnythingNonZeroIsTrue()
    {
        var x = Tensor.FromArray(new TensorShape(4), new[] { 0f, -0.0f, 0.1f, float.NaN });
        Assert.Equal(new[] { false, false, true, true }, Cast(x, DataType.Bool).AsSpan<bool>().ToArray());
    }

    [Fact]
    public void BytesWidenToFloatAcrossVectorWidths()
    {
        var u8 = Enumerable.Range(0, 131).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(u8.Select(v => (float)v).ToArray(), Cast(Tensor.FromArray(new TensorShape(u8.Length), u8), DataType.Float32).AsSpan<float>().ToArray());
        var s8 = u8.Select(v => unchecked((sbyte)v)).ToArray();
        Assert.Equal(s8.Select(v => (float)v).ToArray(), Cast(Tensor.FromArray(new TensorShape(s8.Length), s8), DataType.Float32).AsSpan<float>().ToArray());
    }

    public static TheoryData<DataType, DataType> Pairs()
    {
        var data = new TheoryData<DataType, DataType>();
        foreach (var from in Types)
            foreach (var to in Types)
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void EveryTypePairConvertsSmallValuesExactly(DataType from, DataType to)
    {
        // Values every type holds (bool keeps only 0/1), so each pair has one right answer.
        double[] values = from == DataType.Bool ? [0, 1, 1, 0] : from == DataType.UInt8 ? [0, 1, 7, 100] : [0, 1, -7, 100];
        var source = Make(from, values);
        double[] expected = to == DataType.Bool ? values.Select(v => v != 0 ? 1.0 : 0).ToArray()
            : to == DataType.UInt8 ? values.Select(v => (double)unchecked((byte)(long)v)).ToArray()
            : values;
        var y = Cast(source, to);
        Assert.Equal(to, y.Type);
        Assert.Equal(expected, y.ToDoubleArray());
    }

    [Fact]
    public void UnsupportedTargetTypeIsRejectedNamingTheAttribute()
    {
        var e = Assert.Throws<ModelException>(() => Run("Cast", [Fed(Floats([2]))], attributes: a => a.SetInt("to", 11)));
        Assert.Contains("attribute 'to' = double is not supported", e.Message);
    }

    private static Tensor Make(DataType type, double[] values)
    {
        var shape = new TensorShape(values.Length);
        return type switch
        {
            DataType.Float32 => Tensor.FromArray(shape, values.Select(v => (float)v).ToArray()),
            DataType.Int64 => Tensor.FromArray(shape, values.Select(v => (long)v).ToArray()),
            DataType.Int32 => Tensor.FromArray(shape, values.Select(v => (int)v).ToArray()),
            DataType.UInt8 => Tensor.FromArray(shape, values.Select(v => (byte)v).ToArray()),
            DataType.Int8 => Tensor.FromArray(shape, values.Select(v => (sbyte)v).ToArray()),
            _ => Tensor.FromArray(shape, values.Select(v => v != 0).ToArray()),
        };
    }
}

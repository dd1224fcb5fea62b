using Edge.Runtime.Tensors;
using Edge.Runtime.Tests.Parity;

namespace Edge.Runtime.Tests.Operators.Quantization;

public sealed class QuantizeLinearParityTests
{
    [Theory]
    [InlineData(DataType.UInt8, 13)]
    [InlineData(DataType.Int8, 13)]
    [InlineData(DataType.UInt8, 21)]
    [InlineData(DataType.Int8, 19)]
    public void PerTensorQuantizeMatchesOrtIncludingTies(DataType type, int opset)
    {
        var random = new Random(1);
        var x = ParityData.Floats(random, -40, 40, 3, 37);
        var values = x.AsSpan<float>();
        for (int i = 0; i < values.Length; i += 3)
            values[i] = (random.Next(-150, 150) + 0.5f) * 0.25f; // exact .5 after dividing by 0.25
        new OrtParity("QuantizeLinear", opset: opset)
            .Input("x", x).Input("scale", ParityData.Scalar(0.25f)).Input("zp", ParityData.Scalar(type, type == DataType.Int8 ? -5 : 131))
            .Output("y", type).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8, 1)]
    [InlineData(DataType.Int8, 0)]
    [InlineData(DataType.Int8, -1)]
    public void PerAxisQuantizeMatchesOrt(DataType type, int axis)
    {
        var random = new Random(2);
        var x = ParityData.Floats(random, -3, 3, 4, 5, 6);
        int channels = x.Shape[axis < 0 ? axis + 3 : axis];
        var scales = ParityData.Floats(random, 0.01f, 0.05f, channels);
        new OrtParity("QuantizeLinear", opset: 13)
            .Input("x", x).Input("scale", scales, constant: true).Input("zp", ParityData.ZeroPoint(random, type, channels), constant: true)
            .Attribute("axis", (long)axis)
            .Output("y", type).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void NonFiniteValuesQuantizeLikeOrt(DataType type)
    {
        var random = new Random(8);
        var x = ParityData.Floats(random, -2, 2, 40);
        var values = x.AsSpan<float>();
        values[0] = float.NaN;
        values[3] = float.PositiveInfinity;
        values[17] = float.NegativeInfinity;
        values[21] = float.NaN;
        values[38] = float.NaN;
        new OrtParity("QuantizeLinear", opset: 13)
            .Input("x", x).Input("scale", ParityData.Scalar(0.01f)).Input("zp", ParityData.Scalar(type, type == DataType.Int8 ? 4 : 100))
            .Output("y", type).AssertIdentical();
    }

    [Fact]
    public void QuantizeWithoutZeroPointProducesUint8()
    {
        var random = new Random(3);
        new OrtParity("QuantizeLinear", opset: 13)
            .Input("x", ParityData.Floats(random, -1, 3, 2, 50)).Input("scale", ParityData.Scalar(0.02f))
            .Output("y", DataType.UInt8).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    [InlineData(DataType.Int32)]
    public void PerTensorDequantizeMatchesOrt(DataType type)
    {
        var random = new Random(4);
        var x = type == DataType.Int32 ? ParityData.Ints(random, -100000, 100000, 3, 41) : ParityData.Bytes(random, type, 3, 41);
        var zp = type == DataType.Int32 ? Tensor.Scalar(0) : ParityData.ZeroPoint(random, type);
        new OrtParity("DequantizeLinear", opset: 13)
            .Input("x", x).Input("scale", ParityData.Scalar(0.0173f)).Input("zp", zp)
            .Output("y", DataType.Float32).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8, 0)]
    [InlineData(DataType.Int8, 1)]
    public void PerAxisDequantizeMatchesOrt(DataType type, int axis)
    {
        var random = new Random(5);
        var x = ParityData.Bytes(random, type, 6, 7, 9);
        int channels = x.Shape[axis];
        new OrtParity("DequantizeLinear", opset: 13)
            .Input("x", x).Input("scale", ParityData.Floats(random, 0.001f, 0.1f, channels), constant: true)
            .Input("zp", ParityData.ZeroPoint(random, type, channels), constant: true)
            .Attribute("axis", (long)axis)
            .Output("y", DataType.Float32).AssertIdentical();
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 4097)]
    [InlineData(3, 7)]
    public void DynamicQuantizeLinearMatchesOrt(int seed, int count)
    {
        var random = new Random(seed);
        float low = seed == 3 ? 0.5f : -7f, high = seed == 2 ? -0.25f : 9f;
        new OrtParity("DynamicQuantizeLinear", opset: 13)
            .Input("x", ParityData.Floats(random, Math.Min(low, high), Math.Max(low, high), count))
            .Output("y", DataType.UInt8).Output("scale", DataType.Float32).Output("zp", DataType.UInt8)
            .AssertIdentical();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void LargeDynamicQuantizeLinearMatchesOrtOnOneAndTwoThreads(int threads) =>
        // Several 16K blocks, the last one partial: on two threads min/max and quantization are split by block.
        new OrtParity("DynamicQuantizeLinear", opset: 13)
            .Input("x", ParityData.Floats(new Random(4), -3f, 11f, 100_003))
            .Output("y", DataType.UInt8).Output("scale", DataType.Float32).Output("zp", DataType.UInt8)
            .EdgeThreads(threads)
            .AssertIdentical($"{threads} thread(s)");

    [Fact]
    public void BlockQuantizationFailsClearly()
    {
        var parity = new OrtParity("QuantizeLinear", opset: 21)
            .Input("x", ParityData.Floats(new Random(1), -1, 1, 4, 4)).Input("scale", ParityData.Floats(new Random(2), 0.1f, 0.2f, 4, 2), constant: true)
            .Attribute("axis", 1L).Attribute("block_size", 2L)
            .Output("y", DataType.UInt8);
        var e = Assert.Throws<ModelException>(() => parity.RunEdge());
        Assert.Contains("block_size", e.Message);
    }
}

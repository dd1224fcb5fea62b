using Edge.Runtime.Operators.NN;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.NN.NodeHarness;

namespace Edge.Runtime.Tests.Operators.NN;

/// <summary>The vectorised uint8/int8 MaxPool against a direct scan of each window as ONNX defines it.</summary>
public sealed class ByteMaxPoolKernelTests
{
    public static TheoryData<DataType> ByteTypes => [DataType.UInt8, DataType.Int8];

    [Theory]
    // kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, ceil, height, width
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 112, 112)]
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 13, 37)]
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 5, 23)]
    [InlineData(2, 2, 2, 2, 0, 1, 0, 1, 1, 1, 0, 5, 18)]
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 14, 70)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0, 8, 8)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0, 4, 4)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0, 6, 8)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0, 7, 8)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0, 2, 4)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 4, 7)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0, 9, 17)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 9, 33)]
    [InlineData(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0, 6, 66)]
    [InlineData(2, 2, 2, 2, 1, 1, 0, 0, 1, 1, 0, 7, 40)]
    [InlineData(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 11, 45)]
    [InlineData(3, 2, 1, 1, 2, 0, 1, 1, 1, 1, 0, 5, 31)]
    [InlineData(2, 3, 2, 1, 1, 2, 0, 1, 2, 2, 1, 10, 19)]
    [InlineData(3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 0, 12, 50)]
    [InlineData(2, 3, 2, 2, 0, 1, 1, 0, 1, 3, 1, 9, 29)]
    [InlineData(3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 16, 64)]
    [InlineData(2, 2, 3, 3, 0, 1, 0, 1, 2, 1, 0, 8, 23)]
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 7, 9)]
    [InlineData(2, 3, 1, 2, 1, 1, 1, 1, 1, 2, 1, 5, 3)]
    public void MatchesADirectWindowScanForBothTypes(int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
        int padBottom, int padRight, int dilationH, int dilationW, int ceil, int height, int width)
    {
        var geometry = new Geometry(kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, ceil != 0);
        var random = new Random(height * 1000 + width * 10 + kernelH);
        foreach (var type in new[] { DataType.UInt8, DataType.Int8 })
            CheckAgainstScan(type, geometry, RandomValues(random, type, 2 * 3 * height * width), 2, 3, height, width);
    }

    [Fact]
    public void MatchesADirectWindowScanOnRandomGeometries()
    {
        var random = new Random(17);
        for (int trial = 0; trial < 150; trial++)
        {
            int kernelH = random.Next(1, 4), kernelW = random.Next(1, 4);
            int dilationH = random.Next(1, 3), dilationW = random.Next(1, 3);
            int extentH = (kernelH - 1) * dilationH + 1, extentW = (kernelW - 1) * dilationW + 1;
            var geometry = new Geometry(kernelH, kernelW, random.Next(1, 4), random.Next(1, 4), random.Next(kernelH), random.Next(kernelW),
                random.Next(kernelH), random.Next(kernelW), dilationH, dilationW, random.Next(2) == 1);
            int height = random.Next(extentH, extentH + 12), width = random.Next(extentW, extentW + 70);
            var type = random.Next(2) == 0 ? DataType.UInt8 : DataType.Int8;
            CheckAgainstScan(type, geometry, RandomValues(random, type, 2 * height * width), 1, 2, height, width);
        }
    }

    [Theory]
    [MemberData(nameof(ByteTypes))]
    public void LargePoolSplitOverTwoThreadsMatchesTheScan(DataType type)
    {
        var geometry = new Geometry(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false);
        CheckAgainstScan(type, geometry, RandomValues(new Random(5), type, 32 * 112 * 112), 1, 32, 112, 112);
        var pairs = new Geometry(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, false);
        CheckAgainstScan(type, pairs, RandomValues(new Random(6), type, 64 * 90 * 90), 1, 64, 90, 90);
        CheckAgainstScan(type, pairs, RandomValues(new Random(7), type, 8200 * 8 * 8), 2, 4100, 8, 8);
    }

    [Theory]
    [InlineData(3, 1, 40)]
    [InlineData(2, 0, 40)]
    [InlineData(3, 1, 9)]
    public void Int8PaddingNeverWinsOverNegativeValues(int kernel, int pad, int width)
    {
        // Every value is negative: padding read as 0 instead of -128 would surface as a 0 output.
        var values = new int[2 * 6 * width];
        var random = new Random(kernel * 100 + width);
        for (int i = 0; i < values.Length; i++)
            values[i] = random.Next(-128, 0);
        values[0] = -128;
        values[^1] = -128;
        var geometry = new Geometry(kernel, kernel, 2, 2, pad, pad, pad, pad, 1, 1, true);
        var y = CheckAgainstScan(DataType.Int8, geometry, values, 1, 2, 6, width);
        Assert.All(y.AsSpan<sbyte>().ToArray(), v => Assert.True(v < 0));
    }

    [Theory]
    [MemberData(nameof(ByteTypes))]
    public void ExtremeValuesSurviveThePool(DataType type)
    {
        int low = type == DataType.UInt8 ? 0 : -128, high = type == DataType.UInt8 ? 255 : 127;
        var values = new int[3 * 20 * 48];
        for (int i = 0; i < values.Length; i++)
            values[i] = i % 7 == 0 ? high : low;
        foreach (var geometry in new[] { new Geometry(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false), new Geometry(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, false) })
        {
            CheckAgainstScan(type, geometry, values, 1, 3, 20, 48);
            CheckAgainstScan(type, geometry, new int[values.Length].Select(_ => low).ToArray(), 1, 3, 20, 48);
        }
    }

    [Theory]
    [MemberData(nameof(ByteTypes))]
    public void OneDimensionalPoolMatchesTheScan(DataType type)
    {
        var values = RandomValues(new Random(9), type, 4 * 75);
        var node = Node("MaxPool", 1, attributes: [("kernel_shape", Ints(3)), ("strides", Ints(2)), ("pads", Ints(1, 1))]);
        var y = Run(new MaxPoolOperator(), node, [ToTensor(type, values, 2, 2, 75)])[0];
        var expected = Scan(values, 4, 1, 75, new Geometry(1, 3, 1, 2, 0, 1, 0, 1, 1, 1, false), 1, 38);
        Assert.Equal(expected, ToInts(y));
    }

    private readonly record struct Geometry(int KernelH, int KernelW, int StrideH, int StrideW, int PadTop, int PadLeft,
        int PadBottom, int PadRight, int DilationH, int DilationW, bool Ceil);

    private static Tensor CheckAgainstScan(DataType type, Geometry g, int[] values, int batch, int channels, int height, int width)
    {
        var node = Node("MaxPool", 1, attributes: [("kernel_shape", Ints(g.KernelH, g.KernelW)), ("strides", Ints(g.StrideH, g.StrideW)),
            ("pads", Ints(g.PadTop, g.PadLeft, g.PadBottom, g.PadRight)), ("dilations", Ints(g.DilationH, g.DilationW)), ("ceil_mode", Int(g.Ceil ? 1 : 0))]);
        int outH = OutputExtent(height, g.KernelH, g.StrideH, g.PadTop, g.PadBottom, g.DilationH, g.Ceil);
        int outW = OutputExtent(width, g.KernelW, g.StrideW, g.PadLeft, g.PadRight, g.DilationW, g.Ceil);
        var expected = Scan(values, batch * channels, height, width, g, outH, outW);
        var x = ToTensor(type, values, batch, channels, height, width);
        Tensor? last = null;
        foreach (int threads in new[] { 1, 2 })
        {
            var y = Run(new MaxPoolOperator(), node, [x], threads: threads)[0];
            Assert.Equal(type, y.Type);
            Assert.Equal(new TensorShape(batch, channels, outH, outW), y.Shape);
            Assert.Equal(expected, ToInts(y));
            last = y;
        }
        return last!;
    }

    /// <summary>Output extent per the ONNX formula; with ceil_mode a last window starting in the end padding is dropped.</summary>
    private static int OutputExtent(int input, int kernel, int stride, int padBegin, int padEnd, int dilation, bool ceil)
    {
        int span = input + padBegin + padEnd - ((kernel - 1) * dilation + 1);
        int output = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        return ceil && (output - 1) * stride >= input + padBegin ? output - 1 : output;
    }

    private static int[] Scan(int[] values, int planes, int height, int width, Geometry g, int outH, int outW)
    {
        var expected = new int[planes * outH * outW];
        int o = 0;
        for (int plane = 0; plane < planes; plane++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    int best = int.MinValue;
                    for (int kh = 0; kh < g.KernelH; kh++)
                        for (int kw = 0; kw < g.KernelW; kw++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                            if (ih >= 0 && ih < height && iw >= 0 && iw < width)
                                best = Math.Max(best, values[(plane * height + ih) * width + iw]);
                        }
                    Assert.NotEqual(int.MinValue, best);
                    expected[o++] = best;
                }
        return expected;
    }

    private static int[] RandomValues(Random random, DataType type, int count)
    {
        var values = new int[count];
        int low = type == DataType.UInt8 ? 0 : -128;
        for (int i = 0; i < count; i++)
            values[i] = random.Next(low, low + 256);
        return values;
    }

    private static Tensor ToTensor(DataType type, int[] values, params int[] dims) => type == DataType.UInt8
        ? Tensor.FromArray<byte>(new TensorShape(dims), values.Select(v => (byte)v).ToArray())
        : Tensor.FromArray<sbyte>(new TensorShape(dims), values.Select(v => (sbyte)v).ToArray());

    private static int[] ToInts(Tensor y) => y.Type == DataType.UInt8
        ? y.AsSpan<byte>().ToArray().Select(v => (int)v).ToArray()
        : y.AsSpan<sbyte>().ToArray().Select(v => (int)v).ToArray();
}

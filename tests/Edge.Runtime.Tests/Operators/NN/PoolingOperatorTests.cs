using Edge.Runtime.Operators.NN;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.NN.NodeHarness;

namespace Edge.Runtime.Tests.Operators.NN;

public sealed class PoolingOperatorTests
{
    [Fact]
    public void Int8MaxPoolTakesTheLargestSignedValueIgnoringPadding()
    {
        sbyte[] values = [-128, -5, 7, -100, -3, -128, 127, -1, -7, -9, -2, -4, -6, -8, -10, -11];
        var x = Tensor.FromArray<sbyte>(new TensorShape(1, 1, 4, 4), values);
        var node = Node("MaxPool", 1, attributes: [("kernel_shape", Ints(2, 2)), ("strides", Ints(2, 2)), ("pads", Ints(1, 1, 1, 1))]);
        var y = Run(new MaxPoolOperator(), node, [x])[0];
        Assert.Equal(DataType.Int8, y.Type);
        Assert.Equal(new TensorShape(1, 1, 3, 3), y.Shape);
        // Windows over rows {-1,0},{1,2},{3,4} × columns likewise; padding never wins, even over -128.
        Assert.Equal(new sbyte[] { -128, 7, -100, -3, 127, -1, -6, -8, -11 }, y.AsSpan<sbyte>().ToArray());
    }

    [Fact]
    public void UInt8MaxPoolWithCeilModeKeepsThePartialWindow()
    {
        var x = Tensor.FromArray<byte>(new TensorShape(1, 1, 1, 5), [1, 9, 3, 4, 250]);
        var node = Node("MaxPool", 1, attributes: [("kernel_shape", Ints(1, 2)), ("strides", Ints(1, 2)), ("ceil_mode", Int(1))]);
        var y = Run(new MaxPoolOperator(), node, [x])[0];
        Assert.Equal(new byte[] { 9, 4, 250 }, y.AsSpan<byte>().ToArray());
    }

    [Theory]
    [InlineData(3, 3, 2, 2, 1, 1, 0, 37)]
    [InlineData(2, 2, 2, 2, 0, 1, 0, 37)]
    [InlineData(3, 2, 1, 2, 2, 1, 1, 37)]
    [InlineData(2, 3, 2, 1, 1, 2, 1, 37)]
    [InlineData(3, 3, 2, 2, 1, 1, 0, 7)]
    [InlineData(2, 3, 2, 1, 1, 2, 1, 9)]
    [InlineData(2, 2, 2, 2, 0, 1, 0, 8)]
    [InlineData(2, 2, 2, 2, 0, 1, 1, 13)]
    public void FloatMaxPoolMatchesAScalarWindowScanSkippingNaN(int kernelH, int kernelW, int strideH, int strideW, int pad, int dilation, int ceil, int width)
    {
        var random = new Random(kernelH * 31 + kernelW);
        var x = Random(random, 2, 3, 11, width);
        var values = x.AsSpan<float>();
        values[5] = float.NaN;
        values[200] = float.NaN;
        var node = Node("MaxPool", 1, attributes: [("kernel_shape", Ints(kernelH, kernelW)), ("strides", Ints(strideH, strideW)),
            ("pads", Ints(pad, pad, pad, pad)), ("dilations", Ints(dilation, dilation)), ("ceil_mode", Int(ceil))]);
        foreach (int threads in new[] { 1, 2 })
        {
            var y = Run(new MaxPoolOperator(), node, [x], threads: threads)[0];
            int outH = y.Shape[2], outW = y.Shape[3];
            var actual = y.AsSpan<float>();
            for (int plane = 0; plane < 6; plane++)
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                    {
                        float best = float.NegativeInfinity;
                        for (int kh = 0; kh < kernelH; kh++)
                            for (int kw = 0; kw < kernelW; kw++)
                            {
                                int ih = oh * strideH - pad + kh * dilation, iw = ow * strideW - pad + kw * dilation;
                                if (ih >= 0 && ih < 11 && iw >= 0 && iw < width && values[(plane * 11 + ih) * width + iw] > best)
                                    best = values[(plane * 11 + ih) * width + iw];
                            }
                        Assert.Equal(best, actual[(plane * outH + oh) * outW + ow]);
                    }
        }
    }

    [Fact]
    public void MaxPoolIndicesOutputFailsClearly()
    {
        var node = Node("MaxPool", 1, outputs: 2, attributes: ("kernel_shape", Ints(2, 2)));
        var e = Assert.Throws<ModelException>(() => Prepare(new MaxPoolOperator(), node, [Tensor.Allocate(DataType.Float32, new TensorShape(1, 1, 4, 4))]));
        Assert.Contains("node 'n1' (MaxPool", e.Message);
        Assert.Contains("Indices", e.Message);
    }

    [Fact]
    public void MaxPoolWithoutKernelShapeFails()
    {
        var e = Assert.Throws<ModelException>(() => Prepare(new MaxPoolOperator(), Node("MaxPool", 1), [Tensor.Allocate(DataType.Float32, new TensorShape(1, 1, 4, 4))]));
        Assert.Contains("kernel_shape", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AveragePoolCountsPaddingOnlyWhenAsked(bool includePad)
    {
        // 2x2 windows, stride 2, one row and column of end padding: the last windows see 2 or 1 real values.
        var x = Tensor.FromArray<float>(new TensorShape(1, 1, 3, 3), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var node = Node("AveragePool", 1, attributes: [("kernel_shape", Ints(2, 2)), ("strides", Ints(2, 2)), ("pads", Ints(0, 0, 1, 1)), ("count_include_pad", Int(includePad ? 1 : 0))]);
        var y = Run(new AveragePoolOperator(), node, [x])[0];
        Assert.Equal(new TensorShape(1, 1, 2, 2), y.Shape);
        double[] expected = includePad ? [12.0 / 4, 9.0 / 4, 15.0 / 4, 9.0 / 4] : [12.0 / 4, 9.0 / 2, 15.0 / 2, 9.0];
        AssertClose(expected, y.AsSpan<float>());
    }

    [Fact]
    public void DilatedAveragePoolAveragesTheDilatedTaps()
    {
        var x = Tensor.FromArray<float>(new TensorShape(1, 1, 1, 6), [1, 2, 3, 4, 5, 6]);
        var node = Node("AveragePool", 1, opset: 19, attributes: [("kernel_shape", Ints(1, 2)), ("dilations", Ints(1, 3))]);
        var y = Run(new AveragePoolOperator(), node, [x])[0];
        AssertClose([2.5, 3.5, 4.5], y.AsSpan<float>());
    }

    [Fact]
    public void GlobalAveragePoolAveragesEachPlane()
    {
        var random = new Random(3);
        var x = Random(random, 2, 3, 5, 7);
        var y = Run(new GlobalAveragePoolOperator(), Node("GlobalAveragePool", 1), [x])[0];
        Assert.Equal(new TensorShape(2, 3, 1, 1), y.Shape);
        var values = x.AsSpan<float>();
        var expected = new double[6];
        for (int p = 0; p < 6; p++)
        {
            for (int i = 0; i < 35; i++)
                expected[p] += values[p * 35 + i];
            expected[p] /= 35;
        }
        AssertClose(expected, y.AsSpan<float>());
    }
}

using Edge.Runtime.Tensors;
using static Edge.Runtime.Ilgpu.Tests.DeviceParity;

namespace Edge.Runtime.Ilgpu.Tests.Kernels;

/// <summary>QLinearConv (im2col + int8 GEMM + requantization) and int8 MaxPool on the device bit-exact to the CPU backend.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ConvKernelTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData(1, 3, 7, 6, 4, 3, 1, 1, 1, 1, false)]
    [InlineData(2, 4, 9, 9, 6, 3, 2, 1, 2, 1, true)]
    [InlineData(1, 6, 5, 8, 6, 3, 1, 2, 1, 6, true)]
    [InlineData(1, 4, 6, 6, 8, 1, 1, 0, 1, 2, false)]
    public void QLinearConvMatchesCpu(int batch, int channels, int height, int width, int outChannels, int kernel, int stride, int pad, int dilation, int group, bool perChannel)
    {
        var random = new Random(channels * 100 + height * 10 + kernel + group);
        var x = Bytes(DataType.UInt8, RandomBytes(random, batch * channels * height * width), batch, channels, height, width);
        int perGroup = channels / group;
        var constants = new Dictionary<string, Tensor>
        {
            ["x_scale"] = Tensor.Scalar(0.02f),
            ["x_zero"] = Tensor.Scalar((byte)128),
            ["w"] = Bytes(DataType.Int8, RandomBytes(random, outChannels * perGroup * kernel * kernel), outChannels, perGroup, kernel, kernel),
            ["w_scale"] = perChannel
                ? Tensor.FromArray<float>(new TensorShape(outChannels), Enumerable.Range(0, outChannels).Select(_ => (float)(0.002 + random.NextDouble() * 0.01)).ToArray())
                : Tensor.Scalar(0.004f),
            ["w_zero"] = perChannel ? Bytes(DataType.Int8, new byte[outChannels], outChannels) : Tensor.Scalar((sbyte)0),
            ["y_scale"] = Tensor.Scalar(0.09f),
            ["y_zero"] = Tensor.Scalar((byte)5),
            ["bias"] = Tensor.FromArray<int>(new TensorShape(outChannels), Enumerable.Range(0, outChannels).Select(_ => random.Next(-2000, 2000)).ToArray()),
        };
        AssertSameAsCpu(fixture.Backend,
            () => Node("QLinearConv", "", ["x", "x_scale", "x_zero", "w", "w_scale", "w_zero", "y_scale", "y_zero", "bias"], ["y"],
                Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad), Ints("dilations", dilation, dilation), Int("group", group)),
            [x], constants, DataType.UInt8);
    }

    [Theory]
    [InlineData(1, 3, 6, 7, 5, 3, 1, 1, 1, false)]
    [InlineData(2, 4, 8, 8, 4, 3, 2, 1, 4, true)]
    public void ConvIntegerMatchesCpu(int batch, int channels, int height, int width, int outChannels, int kernel, int stride, int pad, int group, bool signedWeights)
    {
        var random = new Random(channels * 31 + outChannels + group);
        var x = Bytes(DataType.UInt8, RandomBytes(random, batch * channels * height * width), batch, channels, height, width);
        int perGroup = channels / group;
        var wType = signedWeights ? DataType.Int8 : DataType.UInt8;
        var constants = new Dictionary<string, Tensor>
        {
            ["w"] = Bytes(wType, RandomBytes(random, outChannels * perGroup * kernel * kernel), outChannels, perGroup, kernel, kernel),
            ["x_zero"] = Tensor.Scalar((byte)121),
            ["w_zero"] = Bytes(wType, RandomBytes(random, outChannels), outChannels),
        };
        AssertSameAsCpu(fixture.Backend,
            () => Node("ConvInteger", "", ["x", "w", "x_zero", "w_zero"], ["y"], Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad), Int("group", group)),
            [x], constants, DataType.Int32);
    }

    [Theory]
    [InlineData(DataType.UInt8, 2, 2, 0, 0)]
    [InlineData(DataType.Int8, 3, 2, 1, 0)]
    [InlineData(DataType.UInt8, 3, 1, 1, 1)]
    public void MaxPoolOnBytesMatchesCpu(DataType type, int kernel, int stride, int pad, int ceil)
    {
        var random = new Random(kernel * 10 + stride + pad);
        var x = Bytes(type, RandomBytes(random, 2 * 3 * 7 * 9), 2, 3, 7, 9);
        AssertSameAsCpu(fixture.Backend,
            () => Node("MaxPool", "", ["x"], ["y"], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad), Int("ceil_mode", ceil)),
            [x], new Dictionary<string, Tensor>(), type);
    }

    [Fact]
    public void ReluMatchesCpu()
    {
        var x = RandomFloats(new Random(5), 3, 41);
        AssertSameAsCpu(fixture.Backend, () => Node("Relu", "", ["x"], ["y"]), [x], new Dictionary<string, Tensor>(), DataType.Float32);
    }
}

using Edge.Runtime.Tensors;
using Edge.Runtime.Tests.Parity;

namespace Edge.Runtime.Tests.Operators.Quantization;

public sealed class ConvParityTests
{
    /// <summary>Conv configurations: input, weight, group, strides, dilations, pads, auto_pad.</summary>
    public static TheoryData<int[], int[], int, long[], long[], long[], string> Configurations() => new()
    {
        { [1, 3, 9, 9], [8, 3, 3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1], "NOTSET" },
        { [2, 4, 11, 7], [6, 2, 3, 2], 2, [2, 1], [1, 2], [2, 0, 1, 1], "NOTSET" },
        { [1, 8, 10, 10], [8, 1, 3, 3], 8, [2, 2], [1, 1], [1, 1, 1, 1], "NOTSET" },
        { [1, 5, 8, 9], [7, 5, 3, 3], 1, [2, 2], [1, 1], [], "SAME_UPPER" },
        { [1, 5, 8, 9], [7, 5, 4, 4], 1, [1, 1], [1, 1], [], "SAME_LOWER" },
        { [1, 6, 12, 12], [16, 6, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0], "VALID" },
        { [2, 3, 20], [4, 3, 5], 1, [3], [2], [2, 1], "NOTSET" },
        { [1, 6, 9, 9], [6, 1, 3, 3], 6, [1, 2], [2, 1], [2, 1, 0, 2], "NOTSET" },
        { [1, 4, 6, 6], [8, 1, 3, 3], 4, [1, 1], [1, 1], [], "SAME_UPPER" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void QLinearConvPerChannelMatchesOrt(int[] x, int[] w, int group, long[] strides, long[] dilations, long[] pads, string autoPad)
    {
        var random = new Random(x.Sum() * 31 + w.Sum());
        int m = w[0];
        var parity = new OrtParity("QLinearConv", opset: 13)
            .Input("x", ParityData.Bytes(random, DataType.UInt8, x)).Input("x_scale", ParityData.Scalar(0.02f)).Input("x_zp", ParityData.Scalar(DataType.UInt8, 117))
            .Input("w", ParityData.Bytes(random, DataType.Int8, w), true).Input("w_scale", ParityData.Floats(random, 0.001f, 0.01f, m), true).Input("w_zp", Tensor.Allocate(DataType.Int8, new TensorShape(m)), true)
            .Input("y_scale", ParityData.Scalar(0.05f)).Input("y_zp", ParityData.Scalar(DataType.UInt8, 128))
            .Input("bias", ParityData.Ints(random, -2000, 2000, m), true)
            .Output("y", DataType.UInt8);
        Configure(parity, group, strides, dilations, pads, autoPad).AssertIdentical();
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void ConvIntegerMatchesOrt(int[] x, int[] w, int group, long[] strides, long[] dilations, long[] pads, string autoPad)
    {
        var random = new Random(x.Sum() + w.Sum());
        var parity = new OrtParity("ConvInteger", opset: 13)
            .Input("x", ParityData.Bytes(random, DataType.UInt8, x)).Input("w", ParityData.Bytes(random, DataType.UInt8, w), true)
            .Input("x_zp", ParityData.Scalar(DataType.UInt8, 121)).Input("w_zp", ParityData.Scalar(DataType.UInt8, 130), true)
            .Output("y", DataType.Int32);
        Configure(parity, group, strides, dilations, pads, autoPad).AssertIdentical();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void QLinearConvInt8ActivationsMatchOrt(bool constantWeights)
    {
        var random = new Random(9);
        var parity = new OrtParity("QLinearConv", opset: 13)
            .Input("x", ParityData.Bytes(random, DataType.Int8, 1, 4, 7, 7)).Input("x_scale", ParityData.Scalar(0.03f)).Input("x_zp", ParityData.Scalar(DataType.Int8, -7))
            .Input("w", ParityData.Bytes(random, DataType.Int8, 6, 4, 3, 3), constantWeights).Input("w_scale", ParityData.Scalar(0.004f), constantWeights).Input("w_zp", ParityData.Scalar(DataType.Int8, 0), constantWeights)
            .Input("y_scale", ParityData.Scalar(0.1f)).Input("y_zp", ParityData.Scalar(DataType.Int8, 3))
            .Output("y", DataType.Int8);
        Configure(parity, 1, [1, 1], [1, 1], [1, 1, 1, 1], "NOTSET").AssertIdentical();
    }

    [Fact]
    public void QLinearConvUint8WeightsWithZeroPointMatchOrt()
    {
        var random = new Random(12);
        var parity = new OrtParity("QLinearConv", opset: 21)
            .Input("x", ParityData.Bytes(random, DataType.UInt8, 2, 6, 9, 8)).Input("x_scale", ParityData.Scalar(0.04f)).Input("x_zp", ParityData.Scalar(DataType.UInt8, 3))
            .Input("w", ParityData.Bytes(random, DataType.UInt8, 10, 3, 3, 3), true).Input("w_scale", ParityData.Scalar(0.002f), true).Input("w_zp", ParityData.Scalar(DataType.UInt8, 127), true)
            .Input("y_scale", ParityData.Scalar(0.5f)).Input("y_zp", ParityData.Scalar(DataType.UInt8, 64))
            .Output("y", DataType.UInt8);
        Configure(parity, 2, [2, 1], [1, 1], [1, 0, 1, 2], "NOTSET").AssertIdentical();
    }

    private static OrtParity Configure(OrtParity parity, int group, long[] strides, long[] dilations, long[] pads, string autoPad)
    {
        parity.Attribute("group", (long)group).Attribute("strides", strides).Attribute("dilations", dilations);
        if (autoPad == "NOTSET")
            parity.Attribute("pads", pads);
        else
            parity.Attribute("auto_pad", autoPad);
        return parity;
    }
}

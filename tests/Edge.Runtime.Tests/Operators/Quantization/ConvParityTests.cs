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

    /// <summary>The direct engine's shapes (symmetric int8 weights, deep patches, a ResNet stem and blocks in miniature) on 1 and 2 threads.</summary>
    [Theory]
    [InlineData(false, 3, 7, 2, 3, 1, 23)]
    [InlineData(false, 32, 3, 1, 1, 1, 23)]
    [InlineData(true, 32, 3, 2, 1, 1, 23)]
    [InlineData(true, 24, 1, 2, 0, 1, 23)]
    [InlineData(false, 64, 1, 1, 0, 1, 23)]
    [InlineData(false, 16, 3, 1, 1, 16, 8)]
    [InlineData(true, 32, 3, 1, 1, 37, 4)]
    public void QLinearConvSymmetricInt8WeightsMatchOrtOnOneAndTwoThreads(bool xSigned, int channels, int kernel, int stride, int pad, int batch, int size)
    {
        var random = new Random(channels * 17 + kernel * 5 + stride + (xSigned ? 100 : 0));
        var xType = xSigned ? DataType.Int8 : DataType.UInt8;
        int m = 40;
        var feeds = new Dictionary<string, Tensor>
        {
            ["x"] = ParityData.Bytes(random, xType, batch, channels, size, size - 2), ["x_scale"] = ParityData.Scalar(0.02f),
            ["x_zp"] = ParityData.Scalar(xType, xSigned ? -9 : 127), ["y_scale"] = ParityData.Scalar(0.07f), ["y_zp"] = ParityData.Scalar(xType, xSigned ? 5 : 0),
        };
        var parity = new OrtParity("QLinearConv", opset: 13)
            .Input("x", feeds["x"]).Input("x_scale", feeds["x_scale"]).Input("x_zp", feeds["x_zp"])
            .Input("w", ParityData.Bytes(random, DataType.Int8, m, channels, kernel, kernel), true).Input("w_scale", ParityData.Floats(random, 0.0005f, 0.004f, m), true)
            .Input("w_zp", Tensor.Allocate(DataType.Int8, new TensorShape(m)), true)
            .Input("y_scale", feeds["y_scale"]).Input("y_zp", feeds["y_zp"])
            .Input("bias", ParityData.Ints(random, -5000, 5000, m), true)
            .Output("y", xType);
        Configure(parity, 1, [stride, stride], [1, 1], [pad, pad, pad, pad], "NOTSET");
        parity.AssertIdentical();
        using var session = new Edge.Runtime.Sessions.InferenceSession(Edge.Runtime.Graphs.GraphImporter.Import(parity.Model()), new Edge.Runtime.Sessions.SessionOptions { Threads = 2 });
        Assert.Equal(parity.RunOrt()[0].Bytes.ToArray(), session.Run(feeds)["y"].Bytes.ToArray());
    }

    /// <summary>
    /// ConvInteger with int8 weights and no weight zero point (the direct engine) equals ConvInteger with the same weights as
    /// uint8 + 128 and zero point 128 (the packed engine), batched small images and one larger image, on 1 and 2 threads.
    /// </summary>
    [Theory]
    [InlineData(1, 20, 1)]
    [InlineData(12, 6, 1)]
    [InlineData(1, 20, 2)]
    public void ConvIntegerInt8WeightsMatchShiftedUint8Weights(int batch, int size, int threads)
    {
        var random = new Random(batch * 7 + size);
        var x = ParityData.Bytes(random, DataType.UInt8, batch, 12, size, size + 1);
        var signedWeights = ParityData.Bytes(random, DataType.Int8, 20, 12, 3, 3);
        var shifted = Tensor.Allocate(DataType.UInt8, signedWeights.Shape);
        for (int i = 0; i < shifted.Bytes.Length; i++)
            shifted.Bytes[i] = (byte)((sbyte)signedWeights.Bytes[i] + 128);
        var direct = new OrtParity("ConvInteger", opset: 13)
            .Input("x", x).Input("w", signedWeights, true).Input("x_zp", ParityData.Scalar(DataType.UInt8, 119)).Output("y", DataType.Int32);
        var packed = new OrtParity("ConvInteger", opset: 13)
            .Input("x", x).Input("w", shifted, true).Input("x_zp", ParityData.Scalar(DataType.UInt8, 119))
            .Input("w_zp", ParityData.Scalar(DataType.UInt8, 128), true).Output("y", DataType.Int32);
        foreach (var parity in new[] { direct, packed })
            parity.Attribute("pads", 1L, 1L, 1L, 1L);
        var feeds = new Dictionary<string, Tensor> { ["x"] = x, ["x_zp"] = ParityData.Scalar(DataType.UInt8, 119) };
        using var directSession = new Edge.Runtime.Sessions.InferenceSession(Edge.Runtime.Graphs.GraphImporter.Import(direct.Model()), new Edge.Runtime.Sessions.SessionOptions { Threads = threads });
        using var packedSession = new Edge.Runtime.Sessions.InferenceSession(Edge.Runtime.Graphs.GraphImporter.Import(packed.Model()), new Edge.Runtime.Sessions.SessionOptions { Threads = threads });
        Assert.Equal(packedSession.Run(feeds)["y"].Bytes.ToArray(), directSession.Run(feeds)["y"].Bytes.ToArray());
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

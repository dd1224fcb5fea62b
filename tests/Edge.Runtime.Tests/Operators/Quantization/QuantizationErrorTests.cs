using Edge.Runtime.Tensors;
using Edge.Runtime.Tests.Parity;

namespace Edge.Runtime.Tests.Operators.Quantization;

/// <summary>Bad or unsupported quantized nodes fail with errors naming what is wrong.</summary>
public sealed class QuantizationErrorTests
{
    [Fact]
    public void BlockDequantizationNamesTheAttribute()
    {
        var random = new Random(1);
        var parity = new OrtParity("DequantizeLinear", opset: 21)
            .Input("x", ParityData.Bytes(random, DataType.UInt8, 4, 4)).Input("scale", ParityData.Floats(random, 0.1f, 0.2f, 4, 2), constant: true)
            .Attribute("axis", 1L).Attribute("block_size", 2L)
            .Output("y", DataType.Float32);
        Assert.Contains("block_size", Assert.Throws<ModelException>(() => parity.RunEdge()).Message);
    }

    [Fact]
    public void ThreeDimensionalConvolutionIsRejectedClearly()
    {
        var random = new Random(2);
        var parity = new OrtParity("ConvInteger", opset: 13)
            .Input("x", ParityData.Bytes(random, DataType.UInt8, 1, 2, 4, 4, 4)).Input("w", ParityData.Bytes(random, DataType.UInt8, 3, 2, 2, 2, 2), true)
            .Output("y", DataType.Int32);
        Assert.Contains("2-D", Assert.Throws<ModelException>(() => parity.RunEdge()).Message);
    }

    [Fact]
    public void QGemmOutputScaleWithoutZeroPointIsRejected()
    {
        var random = new Random(3);
        var parity = new OrtParity("QGemm", "com.microsoft", 1)
            .Input("a", ParityData.Bytes(random, DataType.UInt8, 2, 3)).Input("a_scale", ParityData.Scalar(0.1f)).Input("a_zp", ParityData.Scalar(DataType.UInt8, 1))
            .Input("b", ParityData.Bytes(random, DataType.UInt8, 3, 4), true).Input("b_scale", ParityData.Scalar(0.1f)).Input("b_zp", ParityData.Scalar(DataType.UInt8, 1))
            .NoInput().Input("y_scale", ParityData.Scalar(0.2f))
            .Output("y", DataType.UInt8);
        Assert.Contains("y_zero_point", Assert.Throws<ModelException>(() => parity.RunEdge()).Message);
    }

    [Fact]
    public void PerAxisScaleOfWrongLengthNamesTheShapes()
    {
        var random = new Random(4);
        var parity = new OrtParity("QuantizeLinear", opset: 13)
            .Input("x", ParityData.Floats(random, -1, 1, 3, 5)).Input("scale", ParityData.Floats(random, 0.1f, 0.2f, 4), constant: true)
            .Attribute("axis", 1L)
            .Output("y", DataType.UInt8);
        Assert.Contains("[5]", Assert.Throws<ModelException>(() => parity.RunEdge()).Message);
    }

    [Fact]
    public void MismatchedMatMulDimensionsAreReported()
    {
        var random = new Random(5);
        var parity = new OrtParity("MatMulInteger", opset: 13)
            .Input("a", ParityData.Bytes(random, DataType.UInt8, 2, 3)).Input("b", ParityData.Bytes(random, DataType.UInt8, 4, 5))
            .Output("y", DataType.Int32);
        Assert.Contains("inner dimensions", Assert.Throws<ModelException>(() => parity.RunEdge()).Message);
    }
}

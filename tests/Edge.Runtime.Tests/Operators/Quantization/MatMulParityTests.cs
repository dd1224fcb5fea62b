using Edge.Runtime.Tensors;
using Edge.Runtime.Tests.Parity;

namespace Edge.Runtime.Tests.Operators.Quantization;

public sealed class MatMulParityTests
{
    public static TheoryData<int[], int[], bool> Shapes() => new()
    {
        { [4, 33], [33, 17], true },
        { [4, 33], [33, 17], false },
        { [2, 3, 5, 64], [64, 40], true },
        { [2, 5, 16], [2, 16, 9], false },
        { [1, 7, 20], [3, 20, 6], true },
        { [20], [20, 5], true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulIntegerMatchesOrt(int[] aShape, int[] bShape, bool constantB)
    {
        var random = new Random(aShape.Sum() + bShape.Sum());
        new OrtParity("MatMulInteger", opset: 13)
            .Input("a", ParityData.Bytes(random, DataType.UInt8, aShape)).Input("b", ParityData.Bytes(random, DataType.Int8, bShape), constantB)
            .Input("a_zp", ParityData.ZeroPoint(random, DataType.UInt8)).Input("b_zp", ParityData.ZeroPoint(random, DataType.Int8), constantB)
            .Output("y", DataType.Int32).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8, DataType.UInt8, DataType.UInt8, false, true)]
    [InlineData(DataType.UInt8, DataType.Int8, DataType.UInt8, true, true)]
    [InlineData(DataType.Int8, DataType.Int8, DataType.Int8, true, true)]
    [InlineData(DataType.UInt8, DataType.Int8, DataType.UInt8, false, false)]
    public void QLinearMatMulMatchesOrt(DataType aType, DataType bType, DataType yType, bool perColumn, bool constantB)
    {
        var random = new Random(21);
        int k = 48, n = 24;
        var bScale = perColumn ? ParityData.Floats(random, 0.002f, 0.02f, n) : ParityData.Scalar(0.011f);
        var bZero = perColumn ? ParityData.ZeroPoint(random, bType, n) : ParityData.ZeroPoint(random, bType);
        new OrtParity("QLinearMatMul", opset: 21)
            .Input("a", ParityData.Bytes(random, aType, 2, 9, k)).Input("a_scale", ParityData.Scalar(0.03f)).Input("a_zp", ParityData.ZeroPoint(random, aType))
            .Input("b", ParityData.Bytes(random, bType, k, n), constantB).Input("b_scale", bScale, constantB).Input("b_zp", bZero, constantB)
            .Input("y_scale", ParityData.Scalar(0.7f)).Input("y_zp", ParityData.ZeroPoint(random, yType))
            .Output("y", yType).AssertIdentical();
    }

    [Fact]
    public void QLinearMatMulTiesMatchOrt()
    {
        // Power-of-two scales put many requantized values exactly on .5.
        var random = new Random(5);
        new OrtParity("QLinearMatMul", opset: 13)
            .Input("a", ParityData.Bytes(random, DataType.UInt8, 16, 8)).Input("a_scale", ParityData.Scalar(0.5f)).Input("a_zp", ParityData.Scalar(DataType.UInt8, 128))
            .Input("b", ParityData.Bytes(random, DataType.UInt8, 8, 16), true).Input("b_scale", ParityData.Scalar(0.25f)).Input("b_zp", ParityData.Scalar(DataType.UInt8, 128))
            .Input("y_scale", ParityData.Scalar(256f)).Input("y_zp", ParityData.Scalar(DataType.UInt8, 100))
            .Output("y", DataType.UInt8).AssertIdentical();
    }
}

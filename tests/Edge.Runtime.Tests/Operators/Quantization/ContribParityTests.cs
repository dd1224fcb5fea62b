using Edge.Runtime.Tensors;
using Edge.Runtime.Tests.Parity;

namespace Edge.Runtime.Tests.Operators.Quantization;

/// <summary>The com.microsoft quantized ops against ONNX Runtime, output bytes compared exactly.</summary>
public sealed class ContribParityTests
{
    private const string Ms = "com.microsoft";

    public static TheoryData<string, DataType, int[], int[]> BinaryCases()
    {
        var data = new TheoryData<string, DataType, int[], int[]>();
        foreach (string op in new[] { "QLinearAdd", "QLinearMul" })
            foreach (var type in new[] { DataType.UInt8, DataType.Int8 })
            {
                data.Add(op, type, [3, 37], [3, 37]);
                data.Add(op, type, [2, 3, 19], [19]);
                data.Add(op, type, [4, 1, 5], [1, 6, 1]);
                data.Add(op, type, [], [5, 9]);
                data.Add(op, type, [33], []);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void QLinearBinaryMatchesOrt(string op, DataType type, int[] aShape, int[] bShape)
    {
        var random = new Random(aShape.Sum() * 7 + bShape.Sum() + (int)type);
        new OrtParity(op, Ms, 1)
            .Input("a", ParityData.Bytes(random, type, aShape)).Input("a_scale", ParityData.Scalar(0.031f)).Input("a_zp", ParityData.ZeroPoint(random, type))
            .Input("b", ParityData.Bytes(random, type, bShape)).Input("b_scale", ParityData.Scalar(0.017f)).Input("b_zp", ParityData.ZeroPoint(random, type))
            .Input("c_scale", ParityData.Scalar(op == "QLinearAdd" ? 0.043f : 0.9f)).Input("c_zp", ParityData.ZeroPoint(random, type))
            .Output("c", type).AssertIdentical();
    }

    /// <summary>Runs long enough for the threads to split them: same shapes, and a broadcast scalar; 1 thread and 2.</summary>
    [Theory]
    [InlineData(DataType.UInt8, false)]
    [InlineData(DataType.Int8, false)]
    [InlineData(DataType.UInt8, true)]
    public void QLinearAddLongRunsMatchOrtOnOneAndTwoThreads(DataType type, bool scalarB)
    {
        var random = new Random(scalarB ? 11 : (int)type);
        var feeds = new Dictionary<string, Tensor>
        {
            ["a"] = ParityData.Bytes(random, type, 1, 64, 41, 39), ["a_scale"] = ParityData.Scalar(0.031f), ["a_zp"] = ParityData.ZeroPoint(random, type),
            ["b"] = scalarB ? ParityData.Bytes(random, type) : ParityData.Bytes(random, type, 1, 64, 41, 39), ["b_scale"] = ParityData.Scalar(0.017f),
            ["b_zp"] = ParityData.ZeroPoint(random, type), ["c_scale"] = ParityData.Scalar(0.043f), ["c_zp"] = ParityData.ZeroPoint(random, type),
        };
        var parity = new OrtParity("QLinearAdd", Ms, 1);
        foreach (var (name, value) in feeds)
            parity.Input(name, value);
        parity.Output("c", type).AssertIdentical();
        using var session = new Edge.Runtime.Sessions.InferenceSession(Edge.Runtime.Graphs.GraphImporter.Import(parity.Model()), new Edge.Runtime.Sessions.SessionOptions { Threads = 2 });
        Assert.Equal(parity.RunOrt()[0].Bytes.ToArray(), session.Run(feeds)["c"].Bytes.ToArray());
    }

    [Theory]
    [InlineData("QLinearAdd")]
    [InlineData("QLinearMul")]
    public void QLinearBinaryTiesMatchOrt(string op)
    {
        var random = new Random(3);
        new OrtParity(op, Ms, 1)
            .Input("a", ParityData.Bytes(random, DataType.UInt8, 64)).Input("a_scale", ParityData.Scalar(0.5f)).Input("a_zp", ParityData.Scalar(DataType.UInt8, 128))
            .Input("b", ParityData.Bytes(random, DataType.UInt8, 64)).Input("b_scale", ParityData.Scalar(0.25f)).Input("b_zp", ParityData.Scalar(DataType.UInt8, 3))
            .Input("c_scale", ParityData.Scalar(op == "QLinearAdd" ? 1f : 64f)).Input("c_zp", ParityData.Scalar(DataType.UInt8, 120))
            .Output("c", DataType.UInt8).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8, 0, new[] { 2, 5, 7, 9 })]
    [InlineData(DataType.UInt8, 1, new[] { 2, 7, 9, 5 })]
    [InlineData(DataType.UInt8, 0, new[] { 1, 19, 33 })]
    [InlineData(DataType.Int8, 0, new[] { 2, 5, 4, 4 })]
    [InlineData(DataType.Int8, 1, new[] { 1, 3, 3, 20 })]
    public void QLinearGlobalAveragePoolMatchesOrt(DataType type, int channelsLast, int[] shape)
    {
        var random = new Random(shape.Sum());
        new OrtParity("QLinearGlobalAveragePool", Ms, 1)
            .Input("x", ParityData.Bytes(random, type, shape)).Input("x_scale", ParityData.Scalar(0.05f)).Input("x_zp", ParityData.ZeroPoint(random, type))
            .Input("y_scale", ParityData.Scalar(0.03f)).Input("y_zp", ParityData.ZeroPoint(random, type))
            .Attribute("channels_last", (long)channelsLast)
            .Output("y", type).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8, 1)]
    [InlineData(DataType.Int8, -1)]
    [InlineData(DataType.UInt8, 0)]
    public void QLinearConcatMatchesOrt(DataType type, int axis)
    {
        var random = new Random(axis + 10);
        int[] Shape(int along) { var s = new[] { 2, 3, 4 }; s[axis < 0 ? axis + 3 : axis] = along; return s; }
        new OrtParity("QLinearConcat", Ms, 1)
            .Input("y_scale", ParityData.Scalar(0.05f)).Input("y_zp", ParityData.Scalar(type, type == DataType.Int8 ? 2 : 128))
            .Input("x0", ParityData.Bytes(random, type, Shape(2))).Input("s0", ParityData.Scalar(0.05f)).Input("z0", ParityData.Scalar(type, type == DataType.Int8 ? 2 : 128))
            .Input("x1", ParityData.Bytes(random, type, Shape(3))).Input("s1", ParityData.Scalar(0.031f)).Input("z1", ParityData.ZeroPoint(random, type))
            .Input("x2", ParityData.Bytes(random, type, Shape(1))).Input("s2", ParityData.Scalar(0.1f)).Input("z2", ParityData.ZeroPoint(random, type))
            .Attribute("axis", (long)axis)
            .Output("y", type).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8, DataType.Int8, false, false, false, true, true)]
    [InlineData(DataType.UInt8, DataType.UInt8, true, false, true, true, true)]
    [InlineData(DataType.UInt8, DataType.Int8, false, true, true, false, true)]
    [InlineData(DataType.Int8, DataType.Int8, false, true, false, true, false)]
    [InlineData(DataType.UInt8, DataType.Int8, true, true, true, false, false)]
    public void QGemmMatchesOrt(DataType aType, DataType bType, bool transA, bool transB, bool perColumn, bool quantizedOutput, bool constantB)
    {
        var random = new Random((transA ? 1 : 0) + (transB ? 2 : 0) + (perColumn ? 4 : 0) + (quantizedOutput ? 8 : 0) + (constantB ? 16 : 0));
        int m = 5, k = 37, n = 19;
        var parity = new OrtParity("QGemm", Ms, 1)
            .Input("a", ParityData.Bytes(random, aType, transA ? [k, m] : [m, k])).Input("a_scale", ParityData.Scalar(0.02f)).Input("a_zp", ParityData.ZeroPoint(random, aType))
            .Input("b", ParityData.Bytes(random, bType, transB ? [n, k] : [k, n]), constantB)
            .Input("b_scale", perColumn ? ParityData.Floats(random, 0.001f, 0.01f, n) : ParityData.Scalar(0.004f), constantB)
            .Input("b_zp", perColumn ? Tensor.Allocate(bType, new TensorShape(n)) : ParityData.ZeroPoint(random, bType), constantB)
            .Input("c", ParityData.Ints(random, -3000, 3000, n), true);
        if (quantizedOutput)
            parity.Input("y_scale", ParityData.Scalar(0.08f)).Input("y_zp", ParityData.ZeroPoint(random, aType));
        parity.Attribute("alpha", 0.75f).Attribute("transA", transA ? 1L : 0L).Attribute("transB", transB ? 1L : 0L)
            .Output("y", quantizedOutput ? aType : DataType.Float32).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.UInt8, DataType.Int8, false, true, true)]
    [InlineData(DataType.UInt8, DataType.UInt8, true, false, true)]
    [InlineData(DataType.Int8, DataType.Int8, false, true, false)]
    public void MatMulIntegerToFloatMatchesOrt(DataType aType, DataType bType, bool perColumn, bool bias, bool constantB)
    {
        var random = new Random((int)aType * 3 + (int)bType + (perColumn ? 100 : 0));
        int k = 40, n = 24;
        var parity = new OrtParity("MatMulIntegerToFloat", Ms, 1)
            .Input("a", ParityData.Bytes(random, aType, 2, 7, k)).Input("b", ParityData.Bytes(random, bType, k, n), constantB)
            .Input("a_scale", ParityData.Scalar(0.013f))
            .Input("b_scale", perColumn ? ParityData.Floats(random, 0.001f, 0.01f, n) : ParityData.Scalar(0.007f), constantB)
            .Input("a_zp", ParityData.ZeroPoint(random, aType))
            .Input("b_zp", perColumn ? ParityData.ZeroPoint(random, bType, n) : ParityData.ZeroPoint(random, bType), constantB);
        if (bias)
            parity.Input("bias", ParityData.Floats(random, -2, 2, n), true);
        parity.Output("y", DataType.Float32).AssertIdentical();
    }

    [Theory]
    [InlineData(DataType.Int8, false, true, new[] { 3, 50 })]
    [InlineData(DataType.UInt8, true, true, new[] { 2, 4, 50 })]
    [InlineData(DataType.Int8, false, false, new[] { 1, 50 })]
    public void DynamicQuantizeMatMulMatchesOrt(DataType bType, bool perColumn, bool bias, int[] aShape)
    {
        var random = new Random(aShape.Sum() + (int)bType);
        int k = 50, n = 17;
        var parity = new OrtParity("DynamicQuantizeMatMul", Ms, 1)
            .Input("a", ParityData.Floats(random, -3, 5, aShape)).Input("b", ParityData.Bytes(random, bType, k, n), true)
            .Input("b_scale", perColumn ? ParityData.Floats(random, 0.001f, 0.01f, n) : ParityData.Scalar(0.005f), true)
            .Input("b_zp", perColumn ? ParityData.ZeroPoint(random, bType, n) : ParityData.ZeroPoint(random, bType), true);
        if (bias)
            parity.Input("bias", ParityData.Floats(random, -1, 1, n), true);
        parity.Output("y", DataType.Float32).AssertIdentical();
    }
}

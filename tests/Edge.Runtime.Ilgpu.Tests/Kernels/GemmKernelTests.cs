using Edge.Runtime.Tensors;
using static Edge.Runtime.Ilgpu.Tests.DeviceParity;

namespace Edge.Runtime.Ilgpu.Tests.Kernels;

/// <summary>The int8 GEMM family (GEMV for few rows, tiled otherwise) bit-exact to the CPU backend on random shapes, types and zero points.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class GemmKernelTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData(1, 5, 7, false, true, false)]
    [InlineData(3, 33, 20, false, true, true)]
    [InlineData(9, 70, 6, true, false, true)]
    [InlineData(17, 16, 1, false, false, false)]
    [InlineData(6, 1, 9, true, true, true)]
    public void MatMulIntegerMatchesCpu(int m, int k, int n, bool aSigned, bool bSigned, bool perColumnZero)
    {
        var random = new Random(m * 1000 + k * 10 + n);
        var aType = aSigned ? DataType.Int8 : DataType.UInt8;
        var bType = bSigned ? DataType.Int8 : DataType.UInt8;
        var a = Bytes(aType, RandomBytes(random, m * k), 1, m, k);
        var constants = new Dictionary<string, Tensor>
        {
            ["b"] = Bytes(bType, RandomBytes(random, k * n), k, n),
            ["a_zero"] = Bytes(aType, RandomBytes(random, 1), 1),
            ["b_zero"] = perColumnZero ? Bytes(bType, RandomBytes(random, n), n) : Bytes(bType, RandomBytes(random, 1), 1),
        };
        AssertSameAsCpu(fixture.Backend, () => Node("MatMulInteger", "", ["a", "b", "a_zero", "b_zero"], ["y"]), [a], constants, DataType.Int32);
    }

    [Theory]
    [InlineData(1, 64, 10, false)]
    [InlineData(5, 19, 12, true)]
    [InlineData(12, 40, 33, false)]
    public void QLinearMatMulMatchesCpu(int m, int k, int n, bool perColumn)
    {
        var random = new Random(m + k + n);
        var a = Bytes(DataType.UInt8, RandomBytes(random, m * k), m, k);
        var constants = new Dictionary<string, Tensor>
        {
            ["a_scale"] = Tensor.Scalar(0.02f),
            ["a_zero"] = Tensor.Scalar((byte)131),
            ["b"] = Bytes(DataType.Int8, RandomBytes(random, k * n), k, n),
            ["b_scale"] = perColumn ? RandomScales(random, n) : Tensor.Scalar(0.007f),
            ["b_zero"] = perColumn ? Bytes(DataType.Int8, new byte[n], n) : Tensor.Scalar((sbyte)3),
            ["y_scale"] = Tensor.Scalar(0.05f),
            ["y_zero"] = Tensor.Scalar((byte)120),
        };
        AssertSameAsCpu(fixture.Backend, () => Node("QLinearMatMul", "", ["a", "a_scale", "a_zero", "b", "b_scale", "b_zero", "y_scale", "y_zero"], ["y"]), [a], constants, DataType.UInt8);
    }

    [Theory]
    [InlineData(1, 30, 11, true, true, true)]
    [InlineData(7, 21, 5, false, true, false)]
    [InlineData(10, 48, 18, true, false, true)]
    public void QGemmMatchesCpu(int m, int k, int n, bool transB, bool withBias, bool quantizedOutput)
    {
        var random = new Random(m * 7 + k * 3 + n);
        var a = Bytes(DataType.Int8, RandomBytes(random, m * k), m, k);
        var constants = new Dictionary<string, Tensor>
        {
            ["a_scale"] = Tensor.Scalar(0.03f),
            ["a_zero"] = Tensor.Scalar((sbyte)-5),
            ["b"] = transB ? Bytes(DataType.Int8, RandomBytes(random, k * n), n, k) : Bytes(DataType.Int8, RandomBytes(random, k * n), k, n),
            ["b_scale"] = RandomScales(random, n),
            ["b_zero"] = Bytes(DataType.Int8, new byte[n], n),
            ["c"] = Tensor.FromArray<int>(new TensorShape(n), Enumerable.Range(0, n).Select(i => random.Next(-3000, 3000)).ToArray()),
            ["y_scale"] = Tensor.Scalar(0.11f),
            ["y_zero"] = Tensor.Scalar((sbyte)-2),
        };
        string[] inputs = ["a", "a_scale", "a_zero", "b", "b_scale", "b_zero", withBias ? "c" : "", .. quantizedOutput ? new[] { "y_scale", "y_zero" } : []];
        AssertSameAsCpu(fixture.Backend, () => Node("QGemm", "com.microsoft", inputs, ["y"], Int("transB", transB ? 1 : 0), Float("alpha", 0.75f)), [a], constants,
            quantizedOutput ? DataType.Int8 : DataType.Float32);
    }

    [Theory]
    [InlineData(1, 64, 16, true)]
    [InlineData(8, 23, 9, false)]
    public void MatMulIntegerToFloatMatchesCpu(int m, int k, int n, bool withBias)
    {
        var random = new Random(k * n + m);
        var a = Bytes(DataType.UInt8, RandomBytes(random, m * k), m, k);
        var constants = new Dictionary<string, Tensor>
        {
            ["b"] = Bytes(DataType.Int8, RandomBytes(random, k * n), k, n),
            ["a_scale"] = Tensor.Scalar(0.013f),
            ["b_scale"] = RandomScales(random, n),
            ["a_zero"] = Tensor.Scalar((byte)77),
            ["b_zero"] = Bytes(DataType.Int8, RandomBytes(random, n), n),
            ["bias"] = RandomFloats(random, n),
        };
        AssertSameAsCpu(fixture.Backend, () => Node("MatMulIntegerToFloat", "com.microsoft", ["a", "b", "a_scale", "b_scale", "a_zero", "b_zero", withBias ? "bias" : ""], ["y"]),
            [a], constants, DataType.Float32);
    }

    private static Tensor RandomScales(Random random, int n) =>
        Tensor.FromArray<float>(new TensorShape(n), Enumerable.Range(0, n).Select(_ => (float)(0.001 + random.NextDouble() * 0.02)).ToArray());
}

using Edge.Runtime.Tensors;
using ILGPU.Runtime;
using static Edge.Runtime.Ilgpu.Tests.DeviceParity;

namespace Edge.Runtime.Ilgpu.Tests.OpenCL;

/// <summary>
/// The kernels on a real OpenCL device (PoCL in CI): the accelerator must really be OpenCL — ILGPU's
/// silent CPU fallback fails these tests — and results equal the CPU backend's bit for bit.
/// </summary>
public sealed class OpenCLBackendTests(OpenCLFixture fixture) : IClassFixture<OpenCLFixture>
{
    [OpenCLFact]
    public void AcceleratorIsReallyOpenCL()
    {
        var backend = fixture.Require();
        Assert.Equal(AcceleratorType.OpenCL, backend.Accelerator.AcceleratorType);
        Assert.Equal("opencl", backend.Name);
    }

    [OpenCLTheory]
    [InlineData("ptq_per_tensor", true)]
    [InlineData("ptq_per_channel", true)]
    [InlineData("qat_student", true)]
    [InlineData("dynamic_mlp", false)]
    [InlineData("dynamic_transformer", false)]
    public void Int8FixtureOnOpenCLMatchesCpuBackendAndOnnxRuntime(string name, bool qdq) =>
        FixtureParity.AssertFixtureMatches(fixture.Require(), name, qdq, maxDevicePartitions: 1, bitExact: name != "dynamic_transformer");

    [OpenCLTheory]
    [InlineData(1, 70, 33)]
    [InlineData(19, 45, 21)]
    public void Int8GemmOnOpenCLMatchesCpu(int m, int k, int n)
    {
        var random = new Random(m + k + n);
        var a = Bytes(DataType.UInt8, RandomBytes(random, m * k), m, k);
        var constants = new Dictionary<string, Tensor>
        {
            ["b"] = Bytes(DataType.Int8, RandomBytes(random, k * n), k, n),
            ["a_zero"] = Tensor.Scalar((byte)131),
            ["b_zero"] = Bytes(DataType.Int8, RandomBytes(random, n), n),
        };
        AssertSameAsCpu(fixture.Require(), () => Node("MatMulInteger", "", ["a", "b", "a_zero", "b_zero"], ["y"]), [a], constants, DataType.Int32);
    }

    [OpenCLFact]
    public void QuantizeOnOpenCLMatchesCpu()
    {
        var random = new Random(3);
        var x = RandomFloats(random, 4, 50);
        var values = x.AsSpan<float>();
        for (int i = 0; i < values.Length; i += 3)
            values[i] = (random.Next(-600, 600) + 0.5f) * 0.125f;
        var constants = new Dictionary<string, Tensor> { ["scale"] = Tensor.Scalar(0.125f), ["zero"] = Tensor.Scalar((sbyte)-3) };
        AssertSameAsCpu(fixture.Require(), () => Node("QuantizeLinear", "", ["x", "scale", "zero"], ["y"]), [x], constants, DataType.Int8);
    }

    [OpenCLFact]
    public void QLinearAddOnOpenCLMatchesCpu()
    {
        var random = new Random(8);
        var a = Bytes(DataType.UInt8, RandomBytes(random, 2 * 3 * 40), 2, 3, 40);
        var b = Bytes(DataType.UInt8, RandomBytes(random, 40), 40);
        var constants = new Dictionary<string, Tensor>
        {
            ["a_scale"] = Tensor.Scalar(0.031f), ["a_zero"] = Tensor.Scalar((byte)7),
            ["b_scale"] = Tensor.Scalar(0.017f), ["b_zero"] = Tensor.Scalar((byte)250),
            ["c_scale"] = Tensor.Scalar(0.04f), ["c_zero"] = Tensor.Scalar((byte)3),
        };
        AssertSameAsCpu(fixture.Require(), () => Node("QLinearAdd", "com.microsoft", ["a", "a_scale", "a_zero", "b", "b_scale", "b_zero", "c_scale", "c_zero"], ["c"]),
            [a, b], constants, DataType.UInt8);
    }
}

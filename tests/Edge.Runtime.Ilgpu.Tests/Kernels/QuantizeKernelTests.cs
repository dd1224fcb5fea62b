using Edge.Runtime.Tensors;
using static Edge.Runtime.Ilgpu.Tests.DeviceParity;

namespace Edge.Runtime.Ilgpu.Tests.Kernels;

/// <summary>QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear on the device bit-exact to the CPU backend, ties and saturation included.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class QuantizeKernelTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void QuantizeLinearMatchesCpu(bool signed, bool perAxis)
    {
        var random = new Random(signed ? 1 : 2);
        var x = RandomFloats(random, 2, 3, 5, 7);
        // Exact halves of the scale hit the round-half-to-even ties; large values saturate.
        var values = x.AsSpan<float>();
        for (int i = 0; i < values.Length; i += 5)
            values[i] = (random.Next(-600, 600) + 0.5f) * 0.25f;
        var type = signed ? DataType.Int8 : DataType.UInt8;
        var constants = new Dictionary<string, Tensor>
        {
            ["scale"] = perAxis ? Tensor.FromArray<float>(new TensorShape(3), [0.25f, 0.031f, 0.5f]) : Tensor.Scalar(0.25f),
            ["zero"] = perAxis ? Bytes(type, [3, 250, 128], 3) : Bytes(type, [signed ? (byte)0xF6 : (byte)100]),
        };
        AssertSameAsCpu(fixture.Backend, () => Node("QuantizeLinear", "", ["x", "scale", "zero"], ["y"], Int("axis", 1)), [x], constants, type);
    }

    [Theory]
    [InlineData(DataType.UInt8, false)]
    [InlineData(DataType.Int8, true)]
    [InlineData(DataType.Int32, true)]
    public void DequantizeLinearMatchesCpu(DataType type, bool perAxis)
    {
        var random = new Random((int)type);
        int[] dims = [4, 6, 3];
        var x = Bytes(type, RandomBytes(random, 4 * 6 * 3 * type.SizeOf()), dims);
        var zero = type == DataType.Int32 ? Tensor.FromArray<int>(new TensorShape(perAxis ? 6 : 1), new int[perAxis ? 6 : 1]) : Bytes(type, RandomBytes(random, perAxis ? 6 : 1), perAxis ? 6 : 1);
        var constants = new Dictionary<string, Tensor>
        {
            ["scale"] = perAxis ? RandomFloats(random, 6) : Tensor.FromArray<float>(new TensorShape(1), [0.037f]),
            ["zero"] = zero,
        };
        AssertSameAsCpu(fixture.Backend, () => Node("DequantizeLinear", "", ["x", "scale", "zero"], ["y"], Int("axis", 1)), [x], constants, DataType.Float32);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 37)]
    [InlineData(16, 100)]
    public void DynamicQuantizeLinearMatchesCpu(int rows, int columns)
    {
        var random = new Random(rows * columns);
        var x = RandomFloats(random, rows, columns);
        AssertSameAsCpu(fixture.Backend, () => Node("DynamicQuantizeLinear", "", ["x"], ["y", "scale", "zero"]), [x], new Dictionary<string, Tensor>(),
            DataType.UInt8, DataType.Float32, DataType.UInt8);
    }

    [Fact]
    public void DynamicQuantizeLinearOfPositiveDataKeepsZeroInRange()
    {
        var x = Tensor.FromArray<float>(new TensorShape(2, 3), [0.5f, 1f, 2f, 3f, 4f, 5f]);
        AssertSameAsCpu(fixture.Backend, () => Node("DynamicQuantizeLinear", "", ["x"], ["y", "scale", "zero"]), [x], new Dictionary<string, Tensor>(),
            DataType.UInt8, DataType.Float32, DataType.UInt8);
    }

    [Theory]
    [InlineData(DataType.UInt8, new[] { 2, 3, 5 }, new[] { 2, 3, 5 })]
    [InlineData(DataType.Int8, new[] { 2, 3, 5 }, new[] { 5 })]
    [InlineData(DataType.UInt8, new[] { 4, 1, 6 }, new[] { 3, 1 })]
    public void QLinearAddMatchesCpu(DataType type, int[] aDims, int[] bDims)
    {
        var random = new Random(aDims.Sum() * 3 + bDims.Length);
        var a = Bytes(type, RandomBytes(random, aDims.Aggregate(1, (x, y) => x * y)), aDims);
        var b = Bytes(type, RandomBytes(random, bDims.Aggregate(1, (x, y) => x * y)), bDims);
        var constants = new Dictionary<string, Tensor>
        {
            ["a_scale"] = Tensor.Scalar(0.031f), ["a_zero"] = Bytes(type, [7]),
            ["b_scale"] = Tensor.Scalar(0.017f), ["b_zero"] = Bytes(type, [250]),
            ["c_scale"] = Tensor.Scalar(0.04f), ["c_zero"] = Bytes(type, [3]),
        };
        AssertSameAsCpu(fixture.Backend, () => Node("QLinearAdd", "com.microsoft", ["a", "a_scale", "a_zero", "b", "b_scale", "b_zero", "c_scale", "c_zero"], ["c"]),
            [a, b], constants, type);
    }
}

using Edge.Runtime.Tensors;

namespace Edge.Runtime.Tests.Parity;

/// <summary>Seeded random tensors for parity tests.</summary>
internal static class ParityData
{
    public static Tensor Bytes(Random random, DataType type, params int[] dims)
    {
        var shape = new TensorShape(dims);
        var tensor = Tensor.Allocate(type, shape);
        random.NextBytes(tensor.Bytes);
        return tensor;
    }

    public static Tensor Floats(Random random, float min, float max, params int[] dims)
    {
        var values = new float[new TensorShape(dims).ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = min + (max - min) * random.NextSingle();
        return Tensor.FromArray<float>(new TensorShape(dims), values);
    }

    public static Tensor Ints(Random random, int min, int max, params int[] dims)
    {
        var values = new int[new TensorShape(dims).ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = random.Next(min, max);
        return Tensor.FromArray<int>(new TensorShape(dims), values);
    }

    /// <summary>A zero point of <paramref name="type"/> (scalar when <paramref name="dims"/> is empty).</summary>
    public static Tensor ZeroPoint(Random random, DataType type, params int[] dims)
    {
        var tensor = Tensor.Allocate(type, new TensorShape(dims));
        for (int i = 0; i < tensor.ElementCount; i++)
            tensor.Bytes[i] = type == DataType.Int8 ? (byte)(sbyte)random.Next(-20, 20) : (byte)random.Next(100, 156);
        return tensor;
    }

    public static Tensor Scalar(float value) => Tensor.Scalar(value);

    public static Tensor Scalar(DataType type, int value) =>
        type == DataType.Int8 ? Tensor.Scalar((sbyte)value) : Tensor.Scalar((byte)value);
}

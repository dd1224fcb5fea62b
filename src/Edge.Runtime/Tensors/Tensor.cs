using System.Runtime.InteropServices;

namespace Edge.Runtime.Tensors;

/// <summary>
/// A typed, shaped view over a byte buffer. Buffers may be shared: the planner lays many tensors
/// over one arena so that steady-state inference allocates nothing.
/// </summary>
public sealed class Tensor
{
    public Tensor(DataType type, TensorShape shape, byte[] buffer, int byteOffset = 0)
    {
        long bytes = (long)shape.ElementCount * type.SizeOf();
        if (byteOffset < 0 || byteOffset + bytes > buffer.Length)
            throw new ArgumentException($"tensor of {bytes} bytes at offset {byteOffset} does not fit a {buffer.Length}-byte buffer");
        Type = type;
        Shape = shape;
        Buffer = buffer;
        ByteOffset = byteOffset;
    }

    public DataType Type { get; }

    public TensorShape Shape { get; }

    /// <summary>The backing buffer (shared with other tensors when planned into an arena).</summary>
    public byte[] Buffer { get; }

    public int ByteOffset { get; }

    public int ElementCount => Shape.ElementCount;

    public int ByteLength => Shape.ElementCount * Type.SizeOf();

    /// <summary>A zero-filled tensor with its own buffer.</summary>
    public static Tensor Allocate(DataType type, TensorShape shape) =>
        new(type, shape, new byte[(long)shape.ElementCount * type.SizeOf()]);

    /// <summary>A tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromArray<T>(TensorShape shape, ReadOnlySpan<T> values) where T : unmanaged
    {
        if (values.Length != shape.ElementCount)
            throw new ArgumentException($"{values.Length} values do not fill shape {shape}");
        var tensor = Allocate(DataTypes.Of<T>(), shape);
        values.CopyTo(tensor.AsSpan<T>());
        return tensor;
    }

    /// <summary>A scalar tensor.</summary>
    public static Tensor Scalar<T>(T value) where T : unmanaged => FromArray(TensorShape.Scalar, [value]);

    /// <summary>The elements, viewed as <typeparamref name="T"/> (must match <see cref="Type"/>).</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (DataTypes.Of<T>() != Type)
            throw new InvalidOperationException($"tensor of type {Type.OnnxName()} viewed as {typeof(T).Name}");
        return MemoryMarshal.Cast<byte, T>(Buffer.AsSpan(ByteOffset, ByteLength));
    }

    /// <summary>The raw bytes.</summary>
    public Span<byte> Bytes => Buffer.AsSpan(ByteOffset, ByteLength);

    /// <summary>The same bytes under another shape with the same element count.</summary>
    public Tensor Reshape(TensorShape shape)
    {
        if (shape.ElementCount != ElementCount)
            throw new ArgumentException($"cannot view {Shape} as {shape}");
        return new Tensor(Type, shape, Buffer, ByteOffset);
    }

    /// <summary>A copy with its own buffer.</summary>
    public Tensor Clone()
    {
        var copy = Allocate(Type, Shape);
        Bytes.CopyTo(copy.Bytes);
        return copy;
    }

    /// <summary>Elements converted to long (for small integer tensors such as shapes and axes).</summary>
    public long[] ToInt64Array()
    {
        var result = new long[ElementCount];
        switch (Type)
        {
            case DataType.Int64: AsSpan<long>().CopyTo(result); break;
            case DataType.Int32: { var s = AsSpan<int>(); for (int i = 0; i < s.Length; i++) result[i] = s[i]; break; }
            case DataType.UInt8: { var s = AsSpan<byte>(); for (int i = 0; i < s.Length; i++) result[i] = s[i]; break; }
            case DataType.Int8: { var s = AsSpan<sbyte>(); for (int i = 0; i < s.Length; i++) result[i] = s[i]; break; }
            case DataType.Bool: { var s = AsSpan<bool>(); for (int i = 0; i < s.Length; i++) result[i] = s[i] ? 1 : 0; break; }
            default: throw new InvalidOperationException($"tensor of type {Type.OnnxName()} is not an integer tensor");
        }
        return result;
    }

    /// <summary>Elements converted to float (for comparing outputs of any type).</summary>
    public double[] ToDoubleArray()
    {
        if (Type == DataType.Float32)
        {
            var s = AsSpan<float>();
            var result = new double[s.Length];
            for (int i = 0; i < s.Length; i++)
                result[i] = s[i];
            return result;
        }
        return Array.ConvertAll(ToInt64Array(), v => (double)v);
    }

    public override string ToString() => $"{Type.OnnxName()}{Shape}";
}

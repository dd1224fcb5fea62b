namespace Edge.Runtime.Tensors;

/// <summary>An immutable, concrete tensor shape (row-major).</summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly int[] _dims;

    /// <summary>The shape of a scalar.</summary>
    public static readonly TensorShape Scalar = new();

    public TensorShape(params int[] dims)
    {
        long count = 1;
        foreach (int d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"negative dimension {d} in shape [{string.Join(",", dims)}]");
            count *= d;
            if (count > int.MaxValue)
                throw new ArgumentException($"shape [{string.Join(",", dims)}] has more than 2^31 elements");
        }
        _dims = (int[])dims.Clone();
        ElementCount = (int)count;
    }

    public TensorShape(ReadOnlySpan<long> dims) : this(ToInts(dims)) { }

    public int Rank => _dims.Length;

    public int ElementCount { get; }

    public int this[int axis] => _dims[axis];

    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>Dimensions as a fresh array (safe to modify).</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    /// <summary>Product of dimensions [from, to).</summary>
    public int SizeBetween(int from, int to)
    {
        int size = 1;
        for (int i = from; i < to; i++)
            size *= _dims[i];
        return size;
    }

    /// <summary>Row-major strides in elements.</summary>
    public int[] Strides()
    {
        var strides = new int[_dims.Length];
        int stride = 1;
        for (int i = _dims.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= _dims[i];
        }
        return strides;
    }

    /// <summary>Normalises a possibly negative axis; throws when out of range.</summary>
    public int NormalizeAxis(long axis) => NormalizeAxis(axis, Rank);

    /// <summary>Normalises an axis against a rank: -1 is the last.</summary>
    public static int NormalizeAxis(long axis, int rank)
    {
        long normalized = axis < 0 ? axis + rank : axis;
        if (normalized < 0 || normalized >= Math.Max(rank, 1))
            throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is out of range for rank {rank}");
        return (int)normalized;
    }

    public bool Equals(TensorShape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in _dims)
            hash.Add(d);
        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(",", _dims)}]";

    private static int[] ToInts(ReadOnlySpan<long> dims)
    {
        var result = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0 || dims[i] > int.MaxValue)
                throw new ArgumentException($"dimension {dims[i]} is out of range");
            result[i] = (int)dims[i];
        }
        return result;
    }
}

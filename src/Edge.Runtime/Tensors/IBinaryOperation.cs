using System.Numerics;

namespace Edge.Runtime.Tensors;

/// <summary>An element-wise binary function with a scalar and a SIMD form, for <see cref="Broadcasting.Binary{T, TOp}"/>.</summary>
public interface IBinaryOperation<T> where T : unmanaged
{
    static abstract T Apply(T a, T b);

    static abstract Vector<T> Apply(Vector<T> a, Vector<T> b);
}

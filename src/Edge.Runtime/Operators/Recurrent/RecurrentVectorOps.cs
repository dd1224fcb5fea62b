using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Edge.Runtime.Operators.Recurrent;

/// <summary>The element-wise gate arithmetic of LSTM and GRU over one hidden-size row, vectorised with a scalar tail.</summary>
internal static class RecurrentVectorOps
{
    /// <summary>target += addend.</summary>
    public static void Add(Span<float> target, ReadOnlySpan<float> addend)
    {
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float a = ref MemoryMarshal.GetReference(addend);
        int length = Math.Min(target.Length, addend.Length), i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            (Vector.LoadUnsafe(ref t, (nuint)i) + Vector.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        for (; i < length; i++)
            Unsafe.Add(ref t, i) += Unsafe.Add(ref a, i);
    }

    /// <summary>target += x ⊙ y.</summary>
    public static void MultiplyAdd(Span<float> target, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float a = ref MemoryMarshal.GetReference(x);
        ref float b = ref MemoryMarshal.GetReference(y);
        int length = target.Length, i = 0;
        if (x.Length < length || y.Length < length)
            throw new ArgumentException("operand rows are shorter than the target");
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            (Vector.LoadUnsafe(ref t, (nuint)i) + Vector.LoadUnsafe(ref a, (nuint)i) * Vector.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        for (; i < length; i++)
            Unsafe.Add(ref t, i) += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
    }

    /// <summary>target = x ⊙ y.</summary>
    public static void Multiply(Span<float> target, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float a = ref MemoryMarshal.GetReference(x);
        ref float b = ref MemoryMarshal.GetReference(y);
        int length = target.Length, i = 0;
        if (x.Length < length || y.Length < length)
            throw new ArgumentException("operand rows are shorter than the target");
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            (Vector.LoadUnsafe(ref a, (nuint)i) * Vector.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        for (; i < length; i++)
            Unsafe.Add(ref t, i) = Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
    }

    /// <summary>target = 1 − source.</summary>
    public static void OneMinus(Span<float> target, ReadOnlySpan<float> source)
    {
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float s = ref MemoryMarshal.GetReference(source);
        int length = target.Length, i = 0;
        if (source.Length < length)
            throw new ArgumentException("source row is shorter than the target");
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            (Vector<float>.One - Vector.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        for (; i < length; i++)
            Unsafe.Add(ref t, i) = 1f - Unsafe.Add(ref s, i);
    }

    /// <summary>LSTM's cell update: cell = forget ⊙ cell + input ⊙ candidate.</summary>
    public static void UpdateCell(Span<float> cell, ReadOnlySpan<float> forget, ReadOnlySpan<float> input, ReadOnlySpan<float> candidate)
    {
        ref float c = ref MemoryMarshal.GetReference(cell);
        ref float f = ref MemoryMarshal.GetReference(forget);
        ref float g = ref MemoryMarshal.GetReference(input);
        ref float z = ref MemoryMarshal.GetReference(candidate);
        int length = cell.Length, i = 0;
        if (forget.Length < length || input.Length < length || candidate.Length < length)
            throw new ArgumentException("gate rows are shorter than the cell row");
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var updated = Vector.LoadUnsafe(ref f, (nuint)i) * Vector.LoadUnsafe(ref c, (nuint)i) + Vector.LoadUnsafe(ref g, (nuint)i) * Vector.LoadUnsafe(ref z, (nuint)i);
            updated.StoreUnsafe(ref c, (nuint)i);
        }
        for (; i < length; i++)
            Unsafe.Add(ref c, i) = Unsafe.Add(ref f, i) * Unsafe.Add(ref c, i) + Unsafe.Add(ref g, i) * Unsafe.Add(ref z, i);
    }

    /// <summary>GRU's state update: hidden = (1 − update) ⊙ candidate + update ⊙ hidden.</summary>
    public static void Interpolate(Span<float> hidden, ReadOnlySpan<float> update, ReadOnlySpan<float> candidate)
    {
        ref float h = ref MemoryMarshal.GetReference(hidden);
        ref float z = ref MemoryMarshal.GetReference(update);
        ref float n = ref MemoryMarshal.GetReference(candidate);
        int length = hidden.Length, i = 0;
        if (update.Length < length || candidate.Length < length)
            throw new ArgumentException("gate rows are shorter than the hidden row");
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var zi = Vector.LoadUnsafe(ref z, (nuint)i);
            var updated = (Vector<float>.One - zi) * Vector.LoadUnsafe(ref n, (nuint)i) + zi * Vector.LoadUnsafe(ref h, (nuint)i);
            updated.StoreUnsafe(ref h, (nuint)i);
        }
        for (; i < length; i++)
        {
            float zi = Unsafe.Add(ref z, i);
            Unsafe.Add(ref h, i) = (1f - zi) * Unsafe.Add(ref n, i) + zi * Unsafe.Add(ref h, i);
        }
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Vectorised exp and the softmax passes built on it. The exp belongs in
/// Backends/Cpu/Kernels/VectorMath (written in parallel); merge it there once that lands.
/// </summary>
internal static class SoftmaxMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    // Adding and subtracting 1.5·2^23 rounds a float to the nearest integer.
    private const float RoundingMagic = 12582912f;

    /// <summary>e^x with ~1 ulp error (Cephes' polynomial); inputs clamped to the normal float range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        x = Vector.Min(Vector.Max(x, new Vector<float>(-87.33f)), new Vector<float>(88.37f));
        var n = Vector.FusedMultiplyAdd(x, new Vector<float>(Log2E), new Vector<float>(RoundingMagic)) - new Vector<float>(RoundingMagic);
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2High), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Low), r);
        var p = new Vector<float>(1.9875691500e-4f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.3981999507e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(8.3334519073e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(4.1665795894e-2f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.6666665459e-1f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(5.0000001201e-1f));
        p = Vector.FusedMultiplyAdd(p, r * r, r) + Vector<float>.One;
        var scale = Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23);
        return p * Vector.AsVectorSingle(scale);
    }

    /// <summary>y = e^(x − shift); returns Σy.</summary>
    public static float ExpShifted(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        int i = 0, w = Vector<float>.Count;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(shift);
            var acc = Vector<float>.Zero;
            for (; i <= x.Length - w; i += w)
            {
                var e = Exp(new Vector<float>(x[i..]) - s);
                e.CopyTo(y[i..]);
                acc += e;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
            sum += y[i] = MathF.Exp(x[i] - shift);
        return sum;
    }

    /// <summary>y = e^(x − shift) element-wise against a vector of shifts; sum += y.</summary>
    public static void ExpShifted(ReadOnlySpan<float> x, ReadOnlySpan<float> shift, Span<float> y, Span<float> sum)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i <= x.Length - w; i += w)
            {
                var e = Exp(new Vector<float>(x[i..]) - new Vector<float>(shift[i..]));
                e.CopyTo(y[i..]);
                (new Vector<float>(sum[i..]) + e).CopyTo(sum[i..]);
            }
        for (; i < x.Length; i++)
        {
            y[i] = MathF.Exp(x[i] - shift[i]);
            sum[i] += y[i];
        }
    }

    public static float Max(ReadOnlySpan<float> x)
    {
        int i = 0, w = Vector<float>.Count;
        float max = float.NegativeInfinity;
        if (Vector.IsHardwareAccelerated && x.Length >= w)
        {
            var acc = new Vector<float>(x);
            for (i = w; i <= x.Length - w; i += w)
                acc = Vector.Max(acc, new Vector<float>(x[i..]));
            for (int j = 0; j < w; j++)
                max = Math.Max(max, acc[j]);
        }
        for (; i < x.Length; i++)
            max = Math.Max(max, x[i]);
        return max;
    }

    /// <summary>max = max(max, x) element-wise.</summary>
    public static void Max(ReadOnlySpan<float> x, Span<float> max)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i <= x.Length - w; i += w)
                Vector.Max(new Vector<float>(max[i..]), new Vector<float>(x[i..])).CopyTo(max[i..]);
        for (; i < x.Length; i++)
            max[i] = Math.Max(max[i], x[i]);
    }

    /// <summary>y = y·scale (scalar) in place.</summary>
    public static void Scale(Span<float> y, float scale)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(scale);
            for (; i <= y.Length - w; i += w)
                (new Vector<float>(y[i..]) * s).CopyTo(y[i..]);
        }
        for (; i < y.Length; i++)
            y[i] *= scale;
    }

    /// <summary>y = x − shift (scalar).</summary>
    public static void Subtract(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(shift);
            for (; i <= x.Length - w; i += w)
                (new Vector<float>(x[i..]) - s).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++)
            y[i] = x[i] - shift;
    }

    /// <summary>y = y·scale element-wise.</summary>
    public static void Multiply(Span<float> y, ReadOnlySpan<float> scale)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i <= y.Length - w; i += w)
                (new Vector<float>(y[i..]) * new Vector<float>(scale[i..])).CopyTo(y[i..]);
        for (; i < y.Length; i++)
            y[i] *= scale[i];
    }

    /// <summary>y = x − shift element-wise.</summary>
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> shift, Span<float> y)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i <= x.Length - w; i += w)
                (new Vector<float>(x[i..]) - new Vector<float>(shift[i..])).CopyTo(y[i..]);
        for (; i < x.Length; i++)
            y[i] = x[i] - shift[i];
    }
}

using Edge.Runtime.Backends.Cpu.Kernels;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Edge.Runtime.Operators.NN;

/// <summary>The vectorised softmax passes (shifted exp and sum, max, scale), over <see cref="VectorMath.Exp(Vector{float})"/>.</summary>
internal static class SoftmaxMath
{
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
                var e = VectorMath.Exp(new Vector<float>(x[i..]) - s);
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
                var e = VectorMath.Exp(new Vector<float>(x[i..]) - new Vector<float>(shift[i..]));
                e.CopyTo(y[i..]);
                (new Vector<float>(sum[i..]) + e).CopyTo(sum[i..]);
            }
        for (; i < x.Length; i++)
        {
            y[i] = MathF.Exp(x[i] - shift[i]);
            sum[i] += y[i];
        }
    }

    public static float Sum(ReadOnlySpan<float> x)
    {
        int i = 0, w = Vector<float>.Count;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && x.Length >= w)
        {
            var acc = new Vector<float>(x);
            for (i = w; i <= x.Length - w; i += w)
                acc += new Vector<float>(x[i..]);
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
            sum += x[i];
        return sum;
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

using System.Numerics;
using System.Runtime.CompilerServices;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// Vectorised float transcendental functions (exp, tanh, sigmoid, erf) accurate to about 2e-7
/// relative, for element-wise and NN kernels. Scalar overloads run the same vector code, so a value
/// gives the same result wherever it sits in a tensor.
/// </summary>
public static class VectorMath
{
    // exp: x = n·ln2 + r, |r| ≤ ln2/2; ln2 split in two so that n·ln2 is exact enough.
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    // Beyond these exp is 0 or +inf in float (with denormals in between handled by the split scale).
    private const float ExpMin = -104f;
    private const float ExpMax = 89f;

    // erf: |x| < 0.9 → x·P(x²); 0.9 ≤ |x| < 3.93 → 1 − exp(Q(|x|)) with Q ≈ log(erfc); beyond, erf is 1 in float.
    // Coefficients fitted (weighted least squares on Chebyshev nodes) for this split.
    private const float ErfSmall = 0.9f;
    private const float ErfOne = 3.93f;

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        var clamped = Vector.Min(Vector.Max(x, new Vector<float>(ExpMin)), new Vector<float>(ExpMax));
        var n = Vector.Round(clamped * new Vector<float>(Log2E));
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2High), clamped);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Low), r);
        var p = new Vector<float>(1.9875691500e-4f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.3981999507e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(8.3334519073e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(4.1665795894e-2f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.6666665459e-1f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(5.0000001201e-1f));
        p = Vector.FusedMultiplyAdd(p, r * r, r) + Vector<float>.One;

        // 2^n as two factors so that n in [-150, 128] reaches denormals and overflow correctly.
        var ni = Vector.ConvertToInt32(n);
        var n1 = Vector.ShiftRightArithmetic(ni, 1);
        var n2 = ni - n1;
        var s1 = Vector.AsVectorSingle(Vector.ShiftLeft(n1 + new Vector<int>(127), 23));
        var s2 = Vector.AsVectorSingle(Vector.ShiftLeft(n2 + new Vector<int>(127), 23));
        var result = p * s1 * s2;
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x);
    }

    /// <summary>tanh(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        var ax = Vector.Abs(x);
        var z = x * x;
        var p = new Vector<float>(-5.70498872745e-3f);
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(2.06390887954e-2f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(-5.37397155531e-2f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(1.33314422036e-1f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(-3.33332819422e-1f));
        var small = Vector.FusedMultiplyAdd(p * z, x, x);

        // 1 − 2/(e^{2|x|} + 1): no cancellation problem above 0.625, saturates to 1 for large |x|.
        var e = Exp(ax + ax);
        var large = Vector<float>.One - new Vector<float>(2f) / (e + Vector<float>.One);
        large = Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -large, large);
        var result = Vector.ConditionalSelect(Vector.LessThan(ax, new Vector<float>(0.625f)), small, large);
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x);
    }

    /// <summary>1 / (1 + e^−x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));

    /// <summary>erf(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Erf(Vector<float> x)
    {
        var ax = Vector.Abs(x);
        var z = x * x;
        var p = new Vector<float>(-0.00060860696f);
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(0.0050110854f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(-0.026778279f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(0.11282122f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(-0.37612522f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(1.1283791f));
        var small = p * x;

        var t = Vector.Min(ax, new Vector<float>(ErfOne));
        var q = new Vector<float>(1.6087771e-06f);
        q = Vector.FusedMultiplyAdd(q, t, new Vector<float>(-4.5483543e-05f));
        q = Vector.FusedMultiplyAdd(q, t, new Vector<float>(0.00059184985f));
        q = Vector.FusedMultiplyAdd(q, t, new Vector<float>(-0.0047358554f));
        q = Vector.FusedMultiplyAdd(q, t, new Vector<float>(0.026352199f));
        q = Vector.FusedMultiplyAdd(q, t, new Vector<float>(-0.109956086f));
        q = Vector.FusedMultiplyAdd(q, t, new Vector<float>(-0.63196075f));
        q = Vector.FusedMultiplyAdd(q, t, new Vector<float>(-1.1301528f));
        q = Vector.FusedMultiplyAdd(q, t, new Vector<float>(0.0002997835f));
        var large = Vector<float>.One - Exp(q);
        large = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(ax, new Vector<float>(ErfOne)), Vector<float>.One, large);
        large = Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -large, large);
        var result = Vector.ConditionalSelect(Vector.LessThan(ax, new Vector<float>(ErfSmall)), small, large);
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x);
    }

    /// <summary>e^x.</summary>
    public static float Exp(float x) => Exp(new Vector<float>(x))[0];

    /// <summary>tanh(x).</summary>
    public static float Tanh(float x) => Tanh(new Vector<float>(x))[0];

    /// <summary>1 / (1 + e^−x).</summary>
    public static float Sigmoid(float x) => Sigmoid(new Vector<float>(x))[0];

    /// <summary>erf(x).</summary>
    public static float Erf(float x) => Erf(new Vector<float>(x))[0];

    /// <summary>output[i] = e^input[i]; the spans may be the same memory.</summary>
    public static void Exp(ReadOnlySpan<float> input, Span<float> output) => Map(new ExpFunction(), input, output);

    /// <summary>output[i] = tanh(input[i]); the spans may be the same memory.</summary>
    public static void Tanh(ReadOnlySpan<float> input, Span<float> output) => Map(new TanhFunction(), input, output);

    /// <summary>output[i] = sigmoid(input[i]); the spans may be the same memory.</summary>
    public static void Sigmoid(ReadOnlySpan<float> input, Span<float> output) => Map(new SigmoidFunction(), input, output);

    /// <summary>output[i] = erf(input[i]); the spans may be the same memory.</summary>
    public static void Erf(ReadOnlySpan<float> input, Span<float> output) => Map(new ErfFunction(), input, output);

    /// <summary>
    /// Applies <paramref name="function"/> to whole vectors; the tail is padded into one more vector
    /// so that every element goes through the same code.
    /// </summary>
    internal static void Map<TFunction>(in TFunction function, ReadOnlySpan<float> input, Span<float> output)
        where TFunction : struct, IVectorFunction
    {
        if (output.Length < input.Length)
            throw new ArgumentException($"output has {output.Length} elements, input {input.Length}");
        int width = Vector<float>.Count;
        int n = input.Length;
        int i = 0;
        for (; i <= n - width; i += width)
            function.Apply(new Vector<float>(input.Slice(i, width))).CopyTo(output.Slice(i, width));
        if (i < n)
        {
            Span<float> tail = stackalloc float[width];
            tail.Clear();
            input[i..].CopyTo(tail);
            function.Apply(new Vector<float>(tail)).CopyTo(tail);
            tail[..(n - i)].CopyTo(output[i..]);
        }
    }

    private readonly struct ExpFunction : IVectorFunction
    {
        public Vector<float> Apply(Vector<float> x) => Exp(x);
    }

    private readonly struct TanhFunction : IVectorFunction
    {
        public Vector<float> Apply(Vector<float> x) => Tanh(x);
    }

    private readonly struct SigmoidFunction : IVectorFunction
    {
        public Vector<float> Apply(Vector<float> x) => Sigmoid(x);
    }

    private readonly struct ErfFunction : IVectorFunction
    {
        public Vector<float> Apply(Vector<float> x) => Erf(x);
    }
}

/// <summary>A float function applied lane-wise to a whole vector (a struct, so generic loops inline it).</summary>
internal interface IVectorFunction
{
    Vector<float> Apply(Vector<float> x);
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Edge.Runtime.Operators.Recurrent;

/// <summary>
/// Vectorised activation functions for the recurrent gates, applied in place over one gate's row.
/// Private to the recurrent ops for now; they should move onto the shared VectorMath another helper is writing.
/// </summary>
internal static class RecurrentActivations
{
    /// <summary>Applies <paramref name="activation"/> to every element of <paramref name="values"/>.</summary>
    public static void Apply(in RecurrentActivation activation, Span<float> values)
    {
        var kind = activation.Kind;
        var alpha = new Vector<float>(activation.Alpha);
        var beta = new Vector<float>(activation.Beta);
        ref float start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            ref float at = ref Unsafe.Add(ref start, i);
            var x = Vector.LoadUnsafe(ref at);
            Apply(kind, alpha, beta, x).StoreUnsafe(ref at);
        }
        for (; i < values.Length; i++)
            values[i] = Apply(activation, values[i]);
    }

    /// <summary>Bounds every element to [−limit, limit].</summary>
    public static void Clip(Span<float> values, float limit)
    {
        var high = new Vector<float>(limit);
        var low = -high;
        ref float start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            ref float at = ref Unsafe.Add(ref start, i);
            Vector.Min(Vector.Max(Vector.LoadUnsafe(ref at), low), high).StoreUnsafe(ref at);
        }
        for (; i < values.Length; i++)
            values[i] = Math.Clamp(values[i], -limit, limit);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Apply(RecurrentActivationKind kind, Vector<float> alpha, Vector<float> beta, Vector<float> x)
    {
        switch (kind)
        {
            case RecurrentActivationKind.Sigmoid: return Sigmoid(x);
            case RecurrentActivationKind.Tanh: return Tanh(x);
            case RecurrentActivationKind.Relu: return Vector.Max(x, Vector<float>.Zero);
            case RecurrentActivationKind.Affine: return alpha * x + beta;
            case RecurrentActivationKind.LeakyRelu: return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), x, alpha * x);
            case RecurrentActivationKind.ThresholdedRelu: return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, alpha), x, Vector<float>.Zero);
            case RecurrentActivationKind.ScaledTanh: return alpha * Tanh(beta * x);
            case RecurrentActivationKind.HardSigmoid: return Vector.Min(Vector.Max(alpha * x + beta, Vector<float>.Zero), Vector<float>.One);
            case RecurrentActivationKind.Elu: return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), x, alpha * (Exp(x) - Vector<float>.One));
            default: return x / (Vector<float>.One + Vector.Abs(x));
        }
    }

    private static float Apply(in RecurrentActivation activation, float x) => activation.Kind switch
    {
        RecurrentActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        RecurrentActivationKind.Tanh => MathF.Tanh(x),
        RecurrentActivationKind.Relu => MathF.Max(x, 0f),
        RecurrentActivationKind.Affine => activation.Alpha * x + activation.Beta,
        RecurrentActivationKind.LeakyRelu => x >= 0f ? x : activation.Alpha * x,
        RecurrentActivationKind.ThresholdedRelu => x >= activation.Alpha ? x : 0f,
        RecurrentActivationKind.ScaledTanh => activation.Alpha * MathF.Tanh(activation.Beta * x),
        RecurrentActivationKind.HardSigmoid => Math.Clamp(activation.Alpha * x + activation.Beta, 0f, 1f),
        RecurrentActivationKind.Elu => x >= 0f ? x : activation.Alpha * (MathF.Exp(x) - 1f),
        _ => x / (1f + MathF.Abs(x)),
    };

    /// <summary>1 / (1 + e^−x); relative error a few ulp (exp through range reduction, so tiny results stay accurate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));

    /// <summary>
    /// tanh as a clamped odd/even rational polynomial (the approximation Eigen and MLAS use): a few ulp,
    /// exact sign, and accurate near zero where 1 − 2/(e^2x + 1) would cancel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> input)
    {
        var x = Vector.Min(Vector.Max(input, new Vector<float>(-7.90531110763549805f)), new Vector<float>(7.90531110763549805f));
        var x2 = x * x;
        var p = new Vector<float>(-2.76076847742355e-16f);
        p = p * x2 + new Vector<float>(2.00018790482477e-13f);
        p = p * x2 + new Vector<float>(-8.60467152213735e-11f);
        p = p * x2 + new Vector<float>(5.12229709037114e-08f);
        p = p * x2 + new Vector<float>(1.48572235717979e-05f);
        p = p * x2 + new Vector<float>(6.37261928875436e-04f);
        p = p * x2 + new Vector<float>(4.89352455891786e-03f);
        p *= x;
        var q = new Vector<float>(1.19825839466702e-06f);
        q = q * x2 + new Vector<float>(1.18534705686654e-04f);
        q = q * x2 + new Vector<float>(2.26843463243900e-03f);
        q = q * x2 + new Vector<float>(4.89352518554385e-03f);
        var result = p / q;
        // The rational form drifts just past ±1 near the clamp; tanh never does.
        return Vector.Min(Vector.Max(result, new Vector<float>(-1f)), Vector<float>.One);
    }

    /// <summary>e^x by Cody–Waite range reduction to [−ln2/2, ln2/2] and a degree-6 polynomial; inputs clamped to float's normal range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> input)
    {
        var x = Vector.Min(Vector.Max(input, new Vector<float>(-87.3f)), new Vector<float>(88.7f));
        var n = Vector.Floor(x * new Vector<float>(1.44269504088896341f) + new Vector<float>(0.5f));
        var r = x - n * new Vector<float>(0.693359375f);
        r -= n * new Vector<float>(-2.12194440e-4f);
        var y = new Vector<float>(1.9875691500e-4f);
        y = y * r + new Vector<float>(1.3981999507e-3f);
        y = y * r + new Vector<float>(8.3334519073e-3f);
        y = y * r + new Vector<float>(4.1665795894e-2f);
        y = y * r + new Vector<float>(1.6666665459e-1f);
        y = y * r + new Vector<float>(5.0000001201e-1f);
        y = y * (r * r) + r + Vector<float>.One;
        // 2^n built in the exponent field; n stays within [−126, 128] thanks to the clamp, and 2^128 only reaches
        // float.MaxValue-range results once multiplied by y < 1, so split it into two factors.
        var half = Vector.ConvertToInt32(n * new Vector<float>(0.5f));
        var rest = Vector.ConvertToInt32(n) - half;
        var bias = new Vector<int>(127);
        var scaleA = Vector.AsVectorSingle(Vector.ShiftLeft(half + bias, 23));
        var scaleB = Vector.AsVectorSingle(Vector.ShiftLeft(rest + bias, 23));
        return y * scaleA * scaleB;
    }
}

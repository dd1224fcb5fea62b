using Edge.Runtime.Backends.Cpu.Kernels;
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
            case RecurrentActivationKind.Sigmoid: return VectorMath.Sigmoid(x);
            case RecurrentActivationKind.Tanh: return VectorMath.Tanh(x);
            case RecurrentActivationKind.Relu: return Vector.Max(x, Vector<float>.Zero);
            case RecurrentActivationKind.Affine: return alpha * x + beta;
            case RecurrentActivationKind.LeakyRelu: return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), x, alpha * x);
            case RecurrentActivationKind.ThresholdedRelu: return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, alpha), x, Vector<float>.Zero);
            case RecurrentActivationKind.ScaledTanh: return alpha * VectorMath.Tanh(beta * x);
            case RecurrentActivationKind.HardSigmoid: return Vector.Min(Vector.Max(alpha * x + beta, Vector<float>.Zero), Vector<float>.One);
            case RecurrentActivationKind.Elu: return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), x, alpha * (VectorMath.Exp(x) - Vector<float>.One));
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
}

using ILGPU;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>Float element-wise ops between the int8 kernels.</summary>
internal static class ElementwiseKernels
{
    public static void Relu(Index1D i, ArrayView<float> x, ArrayView<float> y)
    {
        float v = x[i];
        y[i] = v > 0f ? v : 0f;
    }

    public static void Erf(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = ErrorFunction(x[i]);

    /// <summary>Gelu: x·Φ(x) through erf, or the tanh approximation when <paramref name="tanh"/> ≠ 0.</summary>
    public static void Gelu(Index1D i, ArrayView<float> x, ArrayView<float> y, int tanh)
    {
        float v = x[i];
        if (tanh != 0)
        {
            float inner = 0.7978845608f * (v + 0.044715f * v * v * v);
            float t = 1f - 2f / (MathF.Exp(2f * inner) + 1f);
            y[i] = 0.5f * v * (1f + t);
        }
        else
        {
            y[i] = 0.5f * v * (1f + ErrorFunction(v * 0.70710678f));
        }
    }

    /// <summary>erf through the Chebyshev fit of erfc (fractional error below 1.2e-7, Numerical Recipes §6.2).</summary>
    private static float ErrorFunction(float x)
    {
        float z = x < 0 ? -x : x;
        float t = 1f / (1f + 0.5f * z);
        float poly = -z * z - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f
            + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
        float erfc = t * MathF.Exp(poly);
        return x < 0 ? erfc - 1f : 1f - erfc;
    }
}

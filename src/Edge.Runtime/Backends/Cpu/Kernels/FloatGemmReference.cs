namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>The scalar float GEMM: the definition every optimised variant is checked against.</summary>
internal static class FloatGemmReference
{
    /// <summary>C[i,j] = act(Σ_k A[i,k]·B[k,j] + bias), every operand addressed through its strides.</summary>
    public static void Multiply(ReadOnlySpan<float> a, int m, int k, int aRowStride, int aColStride,
        ReadOnlySpan<float> b, int n, int bRowStride, int bColStride,
        Span<float> c, int cRowStride, int cColStride,
        ReadOnlySpan<float> bias, bool biasPerRow, FloatActivation activation)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = bias.IsEmpty ? 0f : biasPerRow ? bias[i] : bias[j];
                for (int p = 0; p < k; p++)
                    sum += a[i * aRowStride + p * aColStride] * b[p * bRowStride + j * bColStride];
                c[i * cRowStride + j * cColStride] = activation.Apply(sum);
            }
        }
    }
}

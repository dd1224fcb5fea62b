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
}

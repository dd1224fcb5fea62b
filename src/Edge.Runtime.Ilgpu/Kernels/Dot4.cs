using Edge.Runtime.Ilgpu.Cuda;
using ILGPU.Runtime.Cuda;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>
/// accumulator + Σ₄ a[i]·b[i] over the four bytes packed in each word: dp4a on CUDA, four widening
/// multiply-adds elsewhere. Integer sums wrap identically either way, so both are exact.
/// </summary>
internal static class Dot4
{
    public static int Accumulate(int a, int b, int accumulator, int aSigned, int bSigned)
    {
        if (CudaAsm.IsSupported)
            return CudaDot4.Dp4a(a, b, accumulator, aSigned, bSigned);
        return accumulator
            + Int8Math.Lane(a, 0, aSigned) * Int8Math.Lane(b, 0, bSigned)
            + Int8Math.Lane(a, 1, aSigned) * Int8Math.Lane(b, 1, bSigned)
            + Int8Math.Lane(a, 2, aSigned) * Int8Math.Lane(b, 2, bSigned)
            + Int8Math.Lane(a, 3, aSigned) * Int8Math.Lane(b, 3, bSigned);
    }
}

using Edge.Runtime.Ilgpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Loads (compiles, once per backend) the launchers of the shared kernels.</summary>
internal static class DeviceLaunchers
{
    public static Action<AcceleratorStream, KernelConfig, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ArrayView<int>, GemmShape> Gemm(IlgpuBackend backend, bool vector) =>
        backend.Kernel<Action<ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ArrayView<int>, GemmShape>,
            Action<AcceleratorStream, KernelConfig, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, ArrayView<int>, GemmShape>>(
            vector ? GemmKernels.Gemv : GemmKernels.Tiled, (a, k) => a.LoadKernel(k));

    public static Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<byte>, EpilogueKernels.RequantizeShape> Requantize(IlgpuBackend backend) =>
        backend.Kernel<Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<byte>, EpilogueKernels.RequantizeShape>,
            Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<byte>, EpilogueKernels.RequantizeShape>>(
            EpilogueKernels.Requantize, (a, k) => a.LoadAutoGroupedKernel(k));

    public static Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, EpilogueKernels.ScaleShape> Scale(IlgpuBackend backend) =>
        backend.Kernel<Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, EpilogueKernels.ScaleShape>,
            Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, EpilogueKernels.ScaleShape>>(
            EpilogueKernels.Scale, (a, k) => a.LoadAutoGroupedKernel(k));
}

using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime.CPU;

namespace Edge.Runtime.Ilgpu.Cpu;

/// <summary>
/// The device kernels on ILGPU's CPU accelerator — an emulator, far slower than the CPU backend:
/// it exists to test the GPU kernels without a GPU, never as a fallback.
/// </summary>
public sealed class IlgpuCpuBackend : IlgpuBackend
{
    private IlgpuCpuBackend(Context context)
        : base(context, context.GetCPUDevice(0).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel))
    {
    }

    public override string Name => "ilgpu-cpu";

    /// <summary>ILGPU's default CPU device: groups of up to 16 emulated threads.</summary>
    public static IlgpuCpuBackend Create() => new(Context.Create(b => b.CPU().EnableAlgorithms().Optimize(OptimizationLevel.O1)));

    // 4×4 = 16 threads: the default CPU device's group limit.
    protected override int GemmTileInternal => 4;

    protected override int GroupSizeInternal => 16;
}

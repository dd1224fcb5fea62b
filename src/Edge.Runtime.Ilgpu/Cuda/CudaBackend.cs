using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Edge.Runtime.Ilgpu.Cuda;

/// <summary>The device kernels through ILGPU's PTX backend on an NVIDIA GPU; int8 dot products use dp4a.</summary>
public sealed class CudaBackend : IlgpuBackend
{
    private CudaBackend(Context context, Accelerator accelerator)
        : base(context, accelerator)
    {
    }

    public override string Name => "cuda";

    public override string Description
    {
        get
        {
            var cuda = (CudaAccelerator)Accelerator;
            return $"CUDA {cuda.Name} ({cuda.Architecture}, {cuda.MemorySize / (1024 * 1024)} MiB, {cuda.NumMultiprocessors} SMs)";
        }
    }

    /// <summary>The first CUDA device; null and the reason when there is none.</summary>
    public static CudaBackend? TryCreate(out string reason)
    {
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O1));
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                context.Dispose();
                reason = "no CUDA device found (no NVIDIA GPU or driver)";
                return null;
            }
            var accelerator = devices[0].CreateAccelerator(context);
            if (accelerator.AcceleratorType != AcceleratorType.Cuda)
            {
                accelerator.Dispose();
                context.Dispose();
                reason = $"ILGPU handed back a {accelerator.AcceleratorType} accelerator instead of CUDA";
                return null;
            }
            reason = "";
            return new CudaBackend(context, accelerator);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException or CudaException)
        {
            context?.Dispose();
            reason = $"CUDA is not usable here ({e.GetType().Name}: {e.Message})";
            return null;
        }
    }

    protected override int GemmTileInternal => 16;

    protected override int GroupSizeInternal => 128;
}

using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

namespace Edge.Runtime.Ilgpu.OpenCL;

/// <summary>
/// The device kernels through ILGPU's OpenCL backend (GPUs, or PoCL on a CPU). Refuses devices without
/// the generic address space ILGPU's OpenCL code needs, and refuses to run on anything that is not
/// really an OpenCL accelerator.
/// </summary>
public sealed class OpenCLBackend : IlgpuBackend
{
    private readonly int _tile;
    private readonly int _group;

    private OpenCLBackend(Context context, Accelerator accelerator)
        : base(context, accelerator)
    {
        int threads = accelerator.MaxNumThreadsPerGroup;
        _tile = threads >= 256 ? 16 : threads >= 64 ? 8 : 4;
        _group = Math.Min(128, threads);
    }

    public override string Name => "opencl";

    public override string Description => $"OpenCL {Accelerator.Name} ({((CLAccelerator)Accelerator).CVersion}, {Accelerator.MemorySize / (1024 * 1024)} MiB, {Accelerator.NumMultiprocessors} compute units)";

    /// <summary>The first OpenCL device with the generic address space; null and the reason when there is none.</summary>
    public static OpenCLBackend? TryCreate(out string reason)
    {
        OpenCLLibrary.EnsureResolver();
        Context? context = null;
        try
        {
            context = Context.Create(b => b.OpenCL(d => true).EnableAlgorithms().Optimize(OptimizationLevel.O1));
            var devices = new List<CLDevice>();
            foreach (var d in context.GetCLDevices())
                devices.Add(d);
            if (devices.Count == 0)
            {
                context.Dispose();
                reason = "no OpenCL device found (is an ICD such as pocl-opencl-icd or a GPU driver installed?)";
                return null;
            }
            var device = devices.Find(d => d.Capabilities.GenericAddressSpace);
            if (device is null)
            {
                context.Dispose();
                reason = $"OpenCL devices lack the generic address space ILGPU needs: {string.Join(", ", devices.Select(d => $"{d.Name} ({d.CVersion})"))}";
                return null;
            }
            var accelerator = device.CreateAccelerator(context);
            if (accelerator.AcceleratorType != AcceleratorType.OpenCL)
            {
                accelerator.Dispose();
                context.Dispose();
                reason = $"ILGPU handed back a {accelerator.AcceleratorType} accelerator instead of OpenCL";
                return null;
            }
            reason = "";
            return new OpenCLBackend(context, accelerator);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException or ILGPU.Runtime.OpenCL.CLException)
        {
            context?.Dispose();
            reason = $"OpenCL is not usable here ({e.GetType().Name}: {e.Message})";
            return null;
        }
    }

    protected override int GemmTileInternal => _tile;

    protected override int GroupSizeInternal => _group;
}

using Edge.Runtime.Ilgpu.OpenCL;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Edge.Runtime.Ilgpu;

/// <summary>
/// What ILGPU finds on this machine, per kind, and what it would pick: ILGPU quietly prefers its CPU
/// accelerator when no GPU qualifies, so callers must look at the accelerator type, not trust the request.
/// </summary>
public static class IlgpuDevices
{
    /// <summary>Every CUDA and OpenCL device ILGPU lists, then its CPU accelerator (memory 0: it uses host memory); a kind whose driver cannot load adds a problem line instead.</summary>
    public static (IReadOnlyList<IlgpuDeviceInfo> Devices, IReadOnlyList<string> Problems) Discover()
    {
        OpenCLLibrary.EnsureResolver();
        var devices = new List<IlgpuDeviceInfo>();
        var problems = new List<string>();
        // Every context also carries ILGPU's implicit CPU device: list it once, from a context with nothing else.
        Probe("cuda", b => b.Cuda(), devices, problems);
        Probe("opencl", b => b.OpenCL(d => true), devices, problems);
        Probe("cpu", b => b, devices, problems);
        return (devices, problems);
    }

    /// <summary>
    /// The accelerator type ILGPU's own device preference gives when asked for <paramref name="kind"/> ("cuda" or
    /// "opencl") with its CPU accelerator also registered, as a default context has it.
    /// </summary>
    public static AcceleratorType PreferredType(string kind)
    {
        OpenCLLibrary.EnsureResolver();
        try
        {
            using var context = Context.Create(b => (kind == "cuda" ? b.Cuda() : b.OpenCL(d => true)).CPU());
            return context.GetPreferredDevice(preferCPU: false).AcceleratorType;
        }
        catch (Exception e) when (IsDriverFailure(e))
        {
            return AcceleratorType.CPU;
        }
    }

    /// <summary>Creates the backend named on the command line ("cuda", "opencl", "ilgpu-cpu"); null with the reason when unavailable.</summary>
    public static IlgpuBackend? TryCreateBackend(string name, out string reason)
    {
        switch (name)
        {
            case "cuda":
                return Cuda.CudaBackend.TryCreate(out reason);
            case "opencl":
                return OpenCLBackend.TryCreate(out reason);
            case "ilgpu-cpu":
                reason = "";
                return Cpu.IlgpuCpuBackend.Create();
            default:
                reason = $"'{name}' is not an ILGPU backend (cuda, opencl, ilgpu-cpu)";
                return null;
        }
    }

    internal static bool IsDriverFailure(Exception e) =>
        e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or BadImageFormatException
            or InvalidOperationException or NotSupportedException or CudaException or CLException;

    private static void Probe(string kind, Func<Context.Builder, Context.Builder> configure, List<IlgpuDeviceInfo> devices, List<string> problems)
    {
        try
        {
            using var context = Context.Create(b => configure(b));
            foreach (var device in context)
                if (kind == "cpu" || device.AcceleratorType != AcceleratorType.CPU)
                    devices.Add(Describe(kind, device));
        }
        catch (Exception e) when (IsDriverFailure(e))
        {
            problems.Add($"{kind}: {e.GetType().Name}: {e.Message}");
        }
    }

    private static IlgpuDeviceInfo Describe(string kind, Device device) => device switch
    {
        CudaDevice cuda => new IlgpuDeviceInfo(kind, cuda.Name, cuda.MemorySize, cuda.NumMultiprocessors, cuda.MaxNumThreadsPerGroup,
            $"{cuda.Architecture}, {cuda.InstructionSet}", null),
        CLDevice cl => new IlgpuDeviceInfo(kind, cl.Name, cl.MemorySize, cl.NumMultiprocessors, cl.MaxNumThreadsPerGroup,
            $"{cl.DeviceVersion} ({cl.CVersion}, {cl.PlatformName})", cl.Capabilities.GenericAddressSpace),
        _ => new IlgpuDeviceInfo(kind, $"{device.Name} (emulator)", 0, device.NumMultiprocessors, device.MaxNumThreadsPerGroup, "", null),
    };
}

using System.CommandLine;
using System.Text.Json;
using Edge.Runtime.Ilgpu;
using ILGPU.Runtime;

namespace Edge.Cli.Commands;

/// <summary><c>edge devices [--json]</c>: the accelerators ILGPU finds, and what <c>--backend cuda|opencl</c> would really run on.</summary>
public static class DevicesCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("devices", "List the CUDA, OpenCL and CPU devices ILGPU finds.") { json };
        command.SetAction(parse => CommandGuard.Run(() => Execute(parse.GetValue(json))));
        return command;
    }

    private static int Execute(bool json)
    {
        var (devices, problems) = IlgpuDevices.Discover();
        var verdicts = new[] { "cuda", "opencl" }.Select(kind => (Kind: kind, Verdict: Verdict(kind, devices))).ToList();
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                devices = devices.Select(d => new
                {
                    kind = d.Kind, name = d.Name, memoryBytes = d.MemoryBytes, computeUnits = d.ComputeUnits,
                    maxThreadsPerGroup = d.MaxThreadsPerGroup, version = d.Version, genericAddressSpace = d.GenericAddressSpace,
                }),
                backends = verdicts.ToDictionary(v => v.Kind, v => v.Verdict),
                problems,
            }, new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }
        if (!devices.Any(d => d.Kind != "cpu"))
            Console.WriteLine("ILGPU found no GPU: no CUDA device and no OpenCL device.");
        foreach (var d in devices)
        {
            string generic = d.GenericAddressSpace is { } g ? g ? ", generic address space" : ", NO generic address space (ILGPU cannot run on it)" : "";
            string version = d.Version.Length > 0 ? $", {d.Version}" : "";
            Console.WriteLine($"{d.Kind,-7} {d.Name}: {(d.MemoryBytes > 0 ? $"{d.MemoryBytes / (1024 * 1024)} MiB" : "host memory")}, {d.ComputeUnits} compute units, {d.MaxThreadsPerGroup} threads/group{version}{generic}");
        }
        foreach (var problem in problems)
            Console.WriteLine($"problem {problem}");
        foreach (var (kind, verdict) in verdicts)
            Console.WriteLine($"--backend {kind}: {verdict}");
        return ExitCodes.Success;
    }

    private static string Verdict(string kind, IReadOnlyList<IlgpuDeviceInfo> devices)
    {
        var usable = devices.Where(d => d.Kind == kind && d.GenericAddressSpace != false).ToList();
        if (usable.Count > 0)
            return $"runs on {usable[0].Name}";
        var preferred = IlgpuDevices.PreferredType(kind);
        string handedBack = preferred == AcceleratorType.CPU
            ? "ILGPU would hand back its CPU accelerator instead of " + (kind == "cuda" ? "a CUDA" : "an OpenCL") + " device; "
            : "";
        return $"no usable {kind} device — {handedBack}edge falls back to the cpu backend";
    }
}

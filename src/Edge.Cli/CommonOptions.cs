using System.CommandLine;
using Edge.Runtime.Ilgpu;
using Edge.Runtime.Sessions;

namespace Edge.Cli;

/// <summary>Options several commands share: backend, threads, inputs.</summary>
public static class CommonOptions
{
    public static Option<string> Backend() => new("--backend")
    {
        Description = "Execution backend: cpu (default), cuda, opencl (GPU offload through ILGPU; unsupported nodes run on the CPU) or ilgpu-cpu (ILGPU's CPU emulator, for testing the GPU kernels).",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Intra-op threads (default 1: batch-1 inference rarely gains from more).",
        DefaultValueFactory = _ => 1,
    };

    public static Option<string[]> Inputs() => new("--input")
    {
        Description = "An input as NAME=FILE.pb (ONNX TensorProto); repeat per input. A bare FILE.pb binds inputs in order.",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>Session options for the named backend; unknown names are an error, unavailable GPUs a warning and CPU.</summary>
    public static SessionOptions SessionOptions(string backend, int threads)
    {
        if (threads < 1)
            throw new CliException($"--threads must be at least 1, got {threads}");
        return backend switch
        {
            "cpu" => new SessionOptions { Threads = threads },
            "cuda" or "opencl" or "ilgpu-cpu" => Ilgpu(backend, threads),
            _ => throw new CliException($"unknown backend '{backend}' (known: cpu, cuda, opencl, ilgpu-cpu)"),
        };
    }

    /// <summary>An ILGPU backend first in the preference list; when the device is absent, a warning that says why and the CPU alone.</summary>
    private static SessionOptions Ilgpu(string backend, int threads)
    {
        var device = IlgpuDevices.TryCreateBackend(backend, out string reason);
        if (device is null)
        {
            Console.Error.WriteLine($"edge: warning: backend '{backend}' is not available: {reason}; running on cpu");
            return new SessionOptions { Threads = threads };
        }
        if (backend == "ilgpu-cpu")
            Console.Error.WriteLine("edge: note: ilgpu-cpu emulates the GPU kernels on the CPU (slow; for testing them, not for speed)");
        return new SessionOptions { Threads = threads, Backends = [device] };
    }
}

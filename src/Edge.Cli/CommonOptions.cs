using System.CommandLine;
using Edge.Runtime.Backends;
using Edge.Runtime.Sessions;

namespace Edge.Cli;

/// <summary>Options several commands share: backend, threads, inputs.</summary>
public static class CommonOptions
{
    public static Option<string> Backend() => new("--backend")
    {
        Description = "Execution backend: cpu (default). GPU backends come with the ILGPU build.",
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
            "cuda" or "opencl" or "ilgpu-cpu" => WarnAndFallBack(backend, threads),
            _ => throw new CliException($"unknown backend '{backend}' (known: cpu, cuda, opencl, ilgpu-cpu)"),
        };
    }

    private static SessionOptions WarnAndFallBack(string backend, int threads)
    {
        Console.Error.WriteLine($"edge: warning: backend '{backend}' is not available in this build (no ILGPU backends yet); running on cpu");
        return new SessionOptions { Threads = threads, Backends = Array.Empty<ExecutionBackend>() };
    }
}

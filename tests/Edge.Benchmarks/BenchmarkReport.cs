namespace Edge.Benchmarks;

/// <summary>Everything one benchmark run measured; printed as tables and optionally written as JSON.</summary>
internal sealed class BenchmarkReport
{
    public string CommandLine { get; init; } = "";

    public string Cpu { get; init; } = "";

    public string EdgeCpuFeatures { get; init; } = "";

    public string OrtVersion { get; init; } = "";

    public DateTimeOffset Started { get; init; }

    public List<LatencyRow> Latency { get; } = [];

    public List<ComparisonRow> Comparisons { get; } = [];

    /// <summary>The QDQ and QOperator ResNets compared with each other in ORT (a generator self-check).</summary>
    public string? ResNetEncodingParity { get; set; }

    public BandwidthSection? Bandwidth { get; set; }

    public List<MemoryRow> Memory { get; } = [];

    public List<Devices.DeviceKernelRow> DeviceKernels { get; } = [];
}

/// <summary>One model × batch × threads measurement; an engine that failed has an error instead of stats.</summary>
internal sealed record LatencyRow(string Model, int Batch, int Threads, LatencyStats? Ort, LatencyStats? Edge, string? OrtError, string? EdgeError)
{
    public double? EdgeOverOrt => Ort is not null && Edge is not null ? Edge.P50Ms / Ort.P50Ms : null;
}

/// <summary>Edge's outputs against ORT's for one model and batch, and Edge's plan facts.</summary>
internal sealed record ComparisonRow(string Model, int Batch, string Outputs, long? EdgeWeightBytes, long? EdgeActivationBytes, long? EdgeOperations);

/// <summary>Read bandwidth and cold-weight GEMV streaming, per thread count.</summary>
internal sealed record BandwidthSection(Dictionary<int, double> ReadGBps, List<StreamingRow> Streaming);

/// <summary>One engine's cold-weight GEMV at one thread count.</summary>
internal sealed record StreamingRow(string Engine, int Threads, int Copies, long WeightBytesPerRun, double? P50Ms, double? GBps, double? ShareOfRead, string? Error);

/// <summary>Peak RSS (VmHWM) of a child process running one model in one engine.</summary>
internal sealed record MemoryRow(string Model, double? OrtMiB, double? EdgeMiB, string? OrtError, string? EdgeError);

using System.Diagnostics;
using Edge.Benchmarks.Models;
using Edge.Runtime.Backends;
using Edge.Runtime.Graphs;
using Edge.Runtime.Ilgpu;
using Edge.Runtime.Ilgpu.Cuda;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using ILGPU.Runtime.Cuda;

namespace Edge.Benchmarks.Devices;

/// <summary>
/// The device-backend section: the int8 GEMM, GEMV and conv models on each named backend ("cpu" or an ILGPU
/// backend) through InferenceSession, checked byte for byte against the CPU backend, timed adaptively
/// (ILGPU's CPU accelerator is orders of magnitude slower than the rest).
/// </summary>
internal sealed class DeviceBenchmark(TextWriter log, double secondsPerCase)
{
    /// <summary>The backend names --device-backends accepts.</summary>
    public static readonly string[] Known = ["cpu", "ilgpu-cpu", "opencl", "cuda"];

    private const int MinRuns = 3;

    public List<DeviceKernelRow> Run(IReadOnlyList<string> backends)
    {
        var rows = new List<DeviceKernelRow>();
        var cases = DeviceKernelModels.All();
        var references = new Dictionary<string, byte[]>();
        foreach (var c in cases)
        {
            using var session = new InferenceSession(GraphImporter.Import(c.Model));
            var outputs = new Tensor[1];
            session.Run([InputTensor(c)], outputs);
            references[c.Name] = outputs[0].Bytes.ToArray();
        }

        foreach (string name in backends)
        {
            ExecutionBackend? device = null;
            if (name != "cpu")
            {
                device = IlgpuDevices.TryCreateBackend(name, out string reason);
                if (device is null)
                {
                    log.WriteLine($"  {name}: not available: {reason}; skipped");
                    continue;
                }
            }
            try
            {
                var peak = device is CudaBackend cuda ? Peak((CudaAccelerator)cuda.Accelerator) : null;
                log.WriteLine($"  {name}: {device?.Description ?? "Edge CPU backend (SIMD kernels, 1 thread)"}{DescribePeak(name, peak)}");
                var options = device is null ? new SessionOptions() : new SessionOptions { Backends = [device] };
                foreach (var c in cases)
                {
                    DeviceKernelRow row;
                    try
                    {
                        row = Measure(name, c, options, references[c.Name], peak);
                    }
                    catch (Exception e)
                    {
                        row = DeviceKernelRow.Failed(name, c.Name, BenchmarkRunner.Short(e));
                    }
                    log.WriteLine("    " + ReportPrinter.FormatDeviceRow(row));
                    rows.Add(row);
                }
            }
            finally
            {
                device?.Dispose();
            }
        }
        return rows;
    }

    private DeviceKernelRow Measure(string backend, DeviceKernelCase c, SessionOptions options, byte[] reference, CudaPeak? peak)
    {
        using var session = new InferenceSession(GraphImporter.Import(c.Model), options);
        var input = InputTensor(c);
        Tensor[] inputs = [input];
        var outputs = new Tensor[1];
        var clock = Stopwatch.StartNew();
        session.Run(inputs, outputs);
        long mismatches = CountMismatches(outputs[0].Bytes, reference);
        var plan = session.GetPlan([(input.Type, input.Shape)]);
        var profiles = plan.Steps.Select(s => s.Kernel).OfType<IDeviceProfile>().ToList();
        if (backend != "cpu" && profiles.Count == 0)
            throw new InvalidOperationException($"the plan put {c.Name} on the CPU, not on {backend}");

        // Warm-up: a quarter second counting the first run above, so tiered JIT has settled where runs are
        // fast and an emulated GEMM of half a minute is not run once more just to warm up.
        while (clock.Elapsed.TotalSeconds < Math.Min(0.25, secondsPerCase / 4))
            session.Run(inputs, outputs);

        foreach (var profile in profiles)
            profile.Reset();
        var times = new List<double>();
        clock.Restart();
        while (times.Count < MinRuns || (clock.Elapsed.TotalSeconds < secondsPerCase && times.Count < 100_000))
        {
            long t0 = Stopwatch.GetTimestamp();
            session.Run(inputs, outputs);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        long copied = profiles.Sum(p => p.BytesUploaded + p.BytesDownloaded) / times.Count;
        mismatches += CountMismatches(outputs[0].Bytes, reference);

        // A separate pass: timing each kernel waits for it, which would distort the whole-run latency above.
        double? kernelMs = profiles.Count == 0 ? null : KernelMsPerRun(session, inputs, outputs, profiles);
        var stats = LatencyStats.FromTimes(times);
        double timed = kernelMs ?? stats.P50Ms;
        double? opsShare = peak?.Int8Ops is double ops ? c.Operations / (timed * 1e-3) / ops : null;
        double? bandwidthShare = peak?.BytesPerSecond is double bw ? c.TouchedBytes / (timed * 1e-3) / bw : null;
        return new DeviceKernelRow(backend, c.Name, stats.Runs, stats.P50Ms, kernelMs, c.Operations, c.TouchedBytes, copied,
            plan.Partitions, mismatches, opsShare, bandwidthShare, null);
    }

    private double KernelMsPerRun(InferenceSession session, Tensor[] inputs, Tensor[] outputs, List<IDeviceProfile> profiles)
    {
        foreach (var profile in profiles)
        {
            profile.Reset();
            profile.TimeKernels = true;
        }
        int runs = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            // One run suffices where a run is slow: the emulator's kernel times hardly vary.
            while (runs < 1 || (clock.Elapsed.TotalSeconds < secondsPerCase / 2 && runs < 100_000))
            {
                session.Run(inputs, outputs);
                runs++;
            }
        }
        finally
        {
            foreach (var profile in profiles)
                profile.TimeKernels = false;
        }
        return profiles.Sum(p => p.Kernels.Sum(k => k.Time.TotalMilliseconds)) / runs;
    }

    private static Tensor InputTensor(DeviceKernelCase c) => Tensor.FromArray<byte>(new TensorShape(c.InputShape), c.Input);

    private static long CountMismatches(ReadOnlySpan<byte> actual, byte[] expected)
    {
        if (actual.Length != expected.Length)
            return Math.Max(actual.Length, expected.Length);
        long count = 0;
        for (int i = 0; i < expected.Length; i++)
            if (actual[i] != expected[i])
                count++;
        return count;
    }

    private static CudaPeak Peak(CudaAccelerator cuda) =>
        CudaPeak.Estimate(cuda.Architecture.Major, cuda.Architecture.Minor, cuda.NumMultiprocessors, cuda.ClockRate, cuda.MemoryClockRate, cuda.MemoryBusWidth);

    private static string DescribePeak(string backend, CudaPeak? peak)
    {
        if (backend != "cuda" || peak is null)
            return "";
        string ops = peak.Int8Ops is double o ? $"{o / 1e12:0.0} TOPS int8 (dp4a, no tensor cores)" : "int8 peak unknown (no dp4a rate for this architecture)";
        string bw = peak.BytesPerSecond is double b ? $"{b / 1e9:0} GB/s" : "bandwidth peak unknown";
        return $"; estimated peak {ops}, {bw}";
    }
}

using System.Globalization;

namespace Edge.Benchmarks;

/// <summary>Formats the report as the plain-text tables the README describes.</summary>
internal static class ReportPrinter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string FormatRow(LatencyRow r)
    {
        // Errors are cut here to keep the table readable; the outputs section prints them in full.
        string ort = r.Ort is null ? Cut($"ort: {r.OrtError}") : Ms(r.Ort.P50Ms);
        string edge = r.Edge is null ? Cut($"edge: {r.EdgeError}") : Ms(r.Edge.P50Ms);
        string ratio = r.EdgeOverOrt is double x ? x.ToString("0.00", Inv) : "-";
        return $"{r.Model,-34} | {r.Batch,5} | {r.Threads,7} | {ort,11} | {edge,11} | {ratio,8}";
    }

    public static void Print(BenchmarkReport report, TextWriter w)
    {
        // A run with only the device section (--filter none --no-fixtures) has no ORT comparison to print.
        if (report.Latency.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("== Latency (p50 and p90 in ms; runs ORT/Edge) ==");
            w.WriteLine($"{"model",-34} | {"batch",5} | {"threads",7} | {"ORT p50 ms",11} | {"Edge p50 ms",11} | {"Edge/ORT",8} | ORT p90 | Edge p90 | runs");
            foreach (var r in report.Latency)
            {
                string p90 = $"{(r.Ort is null ? "-" : Ms(r.Ort.P90Ms))} | {(r.Edge is null ? "-" : Ms(r.Edge.P90Ms))} | {r.Ort?.Runs ?? 0}/{r.Edge?.Runs ?? 0}";
                w.WriteLine($"{FormatRow(r)} | {p90}");
            }
        }

        var twins = QuantizedTwins.Rows(report.Latency).ToList();
        if (twins.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("== Quantized vs fp32 twin, both in Edge (p50 ms; speed-up = fp32 / int8) ==");
            w.WriteLine($"{"int8 model vs fp32 twin",-44} | {"batch",5} | {"threads",7} | {"fp32 ms",10} | {"int8 ms",10} | speed-up");
            foreach (string line in twins)
                w.WriteLine(line);
        }

        if (report.Comparisons.Count > 0 || report.ResNetEncodingParity is not null)
        {
            w.WriteLine();
            w.WriteLine("== Outputs: Edge vs ORT (first thread count), Edge plan ==");
            foreach (var c in report.Comparisons)
            {
                string plan = c.EdgeWeightBytes is null ? "" :
                    $"  [Edge plan: weights {Mb(c.EdgeWeightBytes.Value)}, activations {Mb(c.EdgeActivationBytes ?? 0)}, {c.EdgeOperations / 1e9:0.###} G ops]";
                w.WriteLine($"{c.Model} batch {c.Batch}: {c.Outputs}{plan}");
            }
            if (report.ResNetEncodingParity is not null)
                w.WriteLine(report.ResNetEncodingParity);
        }

        if (report.Bandwidth is { } b)
        {
            w.WriteLine();
            w.WriteLine("== Bandwidth ==");
            foreach (var (threads, gbps) in b.ReadGBps)
                w.WriteLine($"read bandwidth (512 MB sum, median 16 MiB chunk of 5 passes), {threads} thread(s): {gbps:0.0} GB/s");
            foreach (var s in b.Streaming)
                w.WriteLine(FormatStreaming(s));
        }

        if (report.DeviceKernels.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("== Device backends: int8 kernels (p50 = whole run incl. boundary copies; kernel = device time, each launch waited for;");
            w.WriteLine("   GOPS = 2*MACs / time, GB/s = (weight + input + output bytes) / time; mismatch = output bytes != CPU backend) ==");
            w.WriteLine(DeviceHeader);
            foreach (var r in report.DeviceKernels)
                w.WriteLine(FormatDeviceRow(r));
        }

        if (report.Memory.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("== Peak RSS (VmHWM of a child process: load + 20 runs, batch 1, 1 thread) ==");
            w.WriteLine($"{"model",-34} | {"ORT MiB",10} | {"Edge MiB",10}");
            foreach (var m in report.Memory)
                w.WriteLine(FormatMemory(m));
        }
    }

    /// <summary>Header of the device-backend table; <see cref="FormatDeviceRow"/> fills it.</summary>
    public const string DeviceHeader =
        "backend    | kernel             |  runs |   p50 ms | kernel ms |    GOPS |    GB/s | kern GOPS | kern GB/s | copied/run | parts | mismatch | CUDA peak int8 / BW";

    public static string FormatDeviceRow(Devices.DeviceKernelRow r)
    {
        if (r.Error is not null)
            return $"{r.Backend,-10} | {r.Kernel,-18} | error: {r.Error}";
        string kernelMs = r.KernelMs is double k ? Ms(k) : "-";
        string kernelGops = r.KernelGops is double g ? Rate(g) : "-";
        string kernelGBps = r.KernelGBps is double b ? Rate(b) : "-";
        string peak = r.Backend != "cuda" ? "-" : $"{Share(r.PeakOpsShare)} / {Share(r.PeakBandwidthShare)}";
        return $"{r.Backend,-10} | {r.Kernel,-18} | {r.Runs,5} | {Ms(r.P50Ms),8} | {kernelMs,9} | {Rate(r.Gops ?? 0),7} | {Rate(r.GBps ?? 0),7} | {kernelGops,9} | {kernelGBps,9} | {Bytes(r.BytesCopied),10} | {r.Partitions,5} | {r.Mismatches,8} | {peak}";
    }

    // Emulated kernels run at a few MOPS: keep their digits instead of printing 0.00.
    private static string Rate(double value) => value.ToString(value >= 100 ? "0.0" : value >= 1 ? "0.00" : value >= 0.01 || value == 0 ? "0.0000" : "0.00e0", Inv);

    private static string Share(double? share) => share is double s ? s.ToString("P1", Inv) : "unknown";

    private static string Bytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:0.0} MiB" : bytes >= 1024 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";

    public static string FormatStreaming(StreamingRow s) => s.Error is not null
        ? $"cold-weight int8 GEMV, {s.Engine}, {s.Threads} thread(s): {s.Engine}: {s.Error}"
        : $"cold-weight int8 GEMV, {s.Engine}, {s.Threads} thread(s): {s.Copies} copies x {Mb(s.WeightBytesPerRun)}, p50 {Ms(s.P50Ms!.Value)} ms -> {s.GBps:0.0} GB/s = {s.ShareOfRead:P0} of read bandwidth";

    public static string FormatMemory(MemoryRow m)
    {
        string ort = m.OrtMiB is double o ? o.ToString("0.0", Inv) : $"ort: {m.OrtError}";
        string edge = m.EdgeMiB is double e ? e.ToString("0.0", Inv) : $"edge: {m.EdgeError}";
        return $"{m.Model,-34} | {ort,10} | {edge,10}";
    }

    private static string Cut(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string Ms(double ms) => ms.ToString(ms < 1 ? "0.000" : "0.00", Inv);

    private static string Mb(long bytes) => $"{bytes / 1048576.0:0.0} MiB";
}

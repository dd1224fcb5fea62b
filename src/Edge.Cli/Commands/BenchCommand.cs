using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Cli.Commands;

/// <summary><c>edge bench MODEL</c>: latency percentiles, throughput, operations and bytes moved per inference.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "ONNX model file." };
        var inputs = CommonOptions.Inputs();
        var iterations = new Option<int>("--iterations") { Description = "Timed runs.", DefaultValueFactory = _ => 200 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first.", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch") { Description = "Symbolic dimensions of random inputs (when no --input).", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on the last line." };
        var profile = new Option<bool>("--profile") { Description = "Also time every kernel and print where the time goes." };
        var backend = CommonOptions.Backend();
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Benchmark a model: latency percentiles, GOPS, bytes moved and achieved bandwidth.")
            { model, inputs, iterations, warmup, batch, json, profile, backend, threads };
        command.SetAction(parse => CommandGuard.Run(() => Execute(
            parse.GetValue(model)!, parse.GetValue(inputs) ?? [], parse.GetValue(iterations), parse.GetValue(warmup),
            parse.GetValue(batch), parse.GetValue(json), parse.GetValue(profile), parse.GetValue(backend)!, parse.GetValue(threads))));
        return command;
    }

    private static int Execute(string modelPath, string[] inputSpecs, int iterations, int warmup, int batch, bool json, bool profile, string backend, int threads)
    {
        if (iterations < 1 || warmup < 0 || batch < 1)
            throw new CliException("--iterations and --batch must be at least 1, --warmup at least 0");
        var session = InferenceSession.Load(modelPath, CommonOptions.SessionOptions(backend, threads));
        var feeds = inputSpecs.Length > 0 ? InputBinder.Bind(session, inputSpecs) : InputBinder.Random(session, batch);
        var ordered = session.OrderInputs(feeds);
        var plan = session.GetPlan(ordered.Select(t => (t.Type, t.Shape)).ToList());
        var outputs = new Tensor[session.Outputs.Count];

        // At least a second of warm-up as well: .NET optimises a method only after ~30 calls and a
        // quiet 100 ms, and timing tier-0 code would misreport small models by several times.
        var warmWatch = Stopwatch.StartNew();
        for (int i = 0; i < warmup || (warmup > 0 && warmWatch.Elapsed.TotalSeconds < 1); i++)
            session.Run(ordered, outputs);
        var latencies = new double[iterations];
        var total = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            session.Run(ordered, outputs);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        total.Stop();

        var stats = LatencyStatistics.From(latencies);
        double seconds = stats.Mean / 1000;
        long bytes = plan.WeightBytes + plan.ActivationBytes;
        var report = new Dictionary<string, object>
        {
            ["model"] = Path.GetFileName(modelPath),
            ["backend"] = backend,
            ["threads"] = threads,
            ["iterations"] = iterations,
            ["p50_ms"] = Round(stats.P50),
            ["p90_ms"] = Round(stats.P90),
            ["p99_ms"] = Round(stats.P99),
            ["min_ms"] = Round(stats.Min),
            ["mean_ms"] = Round(stats.Mean),
            ["throughput_per_s"] = Round(iterations / total.Elapsed.TotalSeconds),
            ["operations"] = plan.Operations,
            ["gops"] = Round(plan.Operations / seconds / 1e9),
            ["weight_bytes"] = plan.WeightBytes,
            ["activation_bytes"] = plan.ActivationBytes,
            ["achieved_gbps"] = Round(bytes / seconds / 1e9),
            ["arithmetic_intensity"] = Round(bytes == 0 ? 0 : (double)plan.Operations / bytes),
            ["partitions"] = plan.Partitions,
            ["arena_bytes"] = plan.ArenaBytes,
        };

        Console.WriteLine($"model      {modelPath} on {backend}, {threads} thread(s), {iterations} runs after {warmup} warm-up");
        Console.WriteLine($"latency    p50 {stats.P50:F3} ms  p90 {stats.P90:F3} ms  p99 {stats.P99:F3} ms  min {stats.Min:F3} ms  mean {stats.Mean:F3} ms");
        Console.WriteLine($"throughput {report["throughput_per_s"]} inferences/s");
        Console.WriteLine($"compute    {plan.Operations / 1e6:F2} Mop per inference, {report["gops"]} GOPS");
        Console.WriteLine($"plan       {plan.Steps.Count} kernels in {plan.Partitions} partition(s), arena {plan.ArenaBytes / 1024.0:F1} KiB: {string.Join(", ", plan.Steps.GroupBy(s => s.Node.OpType).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}×{g.Count()}"))}");
        Console.WriteLine($"memory     weights {plan.WeightBytes / 1024.0:F1} KiB, activations {plan.ActivationBytes / 1024.0:F1} KiB per inference, {report["achieved_gbps"]} GB/s achieved");
        if (profile)
            PrintProfile(session, ordered, outputs, plan, iterations);
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(report));
        return ExitCodes.Success;
    }

    // A separate pass, so that timing every kernel does not disturb the latency figures above.
    private static void PrintProfile(InferenceSession session, Tensor[] inputs, Tensor[] outputs, Runtime.Planning.ExecutionPlan plan, int iterations)
    {
        var ticks = new long[plan.Steps.Count];
        var devices = plan.Steps.Select(s => s.Kernel).OfType<Runtime.Backends.IDeviceProfile>().ToList();
        foreach (var device in devices)
        {
            device.Reset();
            device.TimeKernels = true;
        }
        for (int i = 0; i < iterations; i++)
            session.RunProfiled(inputs, outputs, ticks);
        foreach (var device in devices)
            device.TimeKernels = false;
        double total = ticks.Sum();
        double MsPerRun(long t) => t * 1000.0 / Stopwatch.Frequency / iterations;
        Console.WriteLine($"profile    {MsPerRun((long)total):F3} ms per run in kernels; by operator:");
        foreach (var group in plan.Steps.Select((s, i) => (s.Node.OpType, Ticks: ticks[i])).GroupBy(x => x.OpType).OrderByDescending(g => g.Sum(x => x.Ticks)))
            Console.WriteLine($"  {group.Key,-28} {group.Count(),4}×  {MsPerRun(group.Sum(x => x.Ticks)),9:F4} ms  {100 * group.Sum(x => x.Ticks) / total,5:F1} %");
        Console.WriteLine("  slowest kernels:");
        foreach (var (step, t) in plan.Steps.Zip(ticks).OrderByDescending(x => x.Second).Take(8))
            Console.WriteLine($"  {step.Node.Name,-40} {step.Node.OpType,-24} {MsPerRun(t),9:F4} ms");
        foreach (var device in devices)
        {
            Console.WriteLine($"  device partition: {device.BytesUploaded / iterations} bytes in, {device.BytesDownloaded / iterations} bytes out per run, {device.DeviceBytes / 1024.0:F1} KiB on the device; slowest device kernels:");
            foreach (var kernel in device.Kernels.OrderByDescending(k => k.Time).Take(8))
                Console.WriteLine($"    {kernel.Name,-60} {kernel.Time.TotalMilliseconds / iterations,9:F4} ms");
        }
    }

    private static double Round(double value) => Math.Round(value, 4);
}

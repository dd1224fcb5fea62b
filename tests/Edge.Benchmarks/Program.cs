using System.Text.Json;
using Edge.Benchmarks;
using Edge.Benchmarks.Models;

if (args.Length == 3 && args[0] == PeakMemory.ChildFlag)
    return PeakMemory.RunChild(args[1], args[2]);

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var log = Console.Out;
// Only fixtures and speed models need the repository: the device section also runs from a published copy (the PoCL chroot).
var root = new Lazy<string>(RepoPaths.FindRoot);
var report = new BenchmarkReport
{
    CommandLine = string.Join(" ", Environment.GetCommandLineArgs().Select(RepoPaths.Quote)),
    Cpu = RepoPaths.CpuModel(),
    EdgeCpuFeatures = Edge.Runtime.Backends.Cpu.CpuFeatures.Describe(),
    OrtVersion = Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString(),
    Started = DateTimeOffset.Now,
};
log.WriteLine($"command: {report.CommandLine}");
log.WriteLine($"cpu: {report.Cpu}");
log.WriteLine($"edge cpu features: {report.EdgeCpuFeatures}");
log.WriteLine($"onnxruntime: {report.OrtVersion}; .NET {Environment.Version}");
log.WriteLine($"iterations: {options.Iterations} (warm-up {options.Warmup}, at most {options.MaxSeconds} s each); threads: {string.Join(",", options.Threads)}");

var runner = new BenchmarkRunner(options, report, log);

if (options.Fixtures)
{
    var fixtures = RepoPaths.Fixtures(root.Value);
    if (fixtures.Count == 0)
        log.WriteLine($"no fixtures under {Path.Combine(root.Value, "tests", "fixtures")}/*/model.onnx: skipping them");
    foreach (var (name, path) in fixtures.Where(f => options.Includes(f.Name)))
    {
        log.WriteLine($"{name}:");
        runner.RunModel(name, path, [1, 16]);
    }
}

var speedModels = new List<(string Name, string Path)>();
foreach (string name in SpeedModels.Names.Where(options.Includes))
{
    try
    {
        speedModels.Add((name, SpeedModels.Ensure(root.Value, name, log)));
    }
    catch (Exception e)
    {
        log.WriteLine($"{name}: generation failed: {BenchmarkRunner.Short(e)}");
    }
}
foreach (var (name, path) in speedModels)
{
    log.WriteLine($"{name}:");
    runner.RunModel(name, path, [1]);
}

if (speedModels.Count(m => m.Name.StartsWith("resnet-q", StringComparison.Ordinal)) == 2)
{
    try
    {
        report.ResNetEncodingParity = QuantizedParityCheck.Describe(speedModels.First(m => m.Name == "resnet-qdq-int8").Path, speedModels.First(m => m.Name == "resnet-qop-int8").Path);
    }
    catch (Exception e)
    {
        report.ResNetEncodingParity = "failed: " + BenchmarkRunner.Short(e);
    }
    log.WriteLine(report.ResNetEncodingParity);
}

if (options.Bandwidth && speedModels.FirstOrDefault(m => m.Name == SpeedModels.Gemv) is { Path: not null } gemv)
{
    log.WriteLine("bandwidth:");
    runner.RunBandwidth(gemv.Path);
}

if (options.Memory && speedModels.Count > 0)
{
    log.WriteLine("peak RSS:");
    var (baseline, error) = PeakMemory.Measure("none", speedModels[0].Path);
    log.WriteLine($"  bare process (no model): {(baseline is double b ? $"{b:0.0} MiB" : error)}");
    report.Memory.Add(new MemoryRow("(bare process)", baseline, baseline, error, error));
    foreach (var (name, path) in speedModels)
        runner.RunMemory(name, path);
}

if (options.DeviceBackends.Length > 0)
{
    log.WriteLine($"device backends (int8 kernels, at least {options.DeviceSeconds} s and 3 runs each):");
    report.DeviceKernels.AddRange(new Edge.Benchmarks.Devices.DeviceBenchmark(log, options.DeviceSeconds).Run(options.DeviceBackends));
}

ReportPrinter.Print(report, log);

if (options.JsonPath is not null)
{
    File.WriteAllText(options.JsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    log.WriteLine($"results written to {options.JsonPath}");
}
return 0;

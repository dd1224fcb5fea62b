namespace Edge.Benchmarks;

/// <summary>Command-line options; parsed by hand to keep the benchmark free of extra packages.</summary>
internal sealed class BenchmarkOptions
{
    public string? Filter { get; private set; }

    public int Iterations { get; private set; } = 200;

    public int[] Threads { get; private set; } = [1, 2];

    public bool Quick { get; private set; }

    public string? JsonPath { get; private set; }

    public bool Bandwidth { get; private set; } = true;

    public bool Memory { get; private set; } = true;

    public bool Fixtures { get; private set; } = true;

    /// <summary>Per-measurement time budget, so a slow kernel on a shared machine cannot run for minutes.</summary>
    public double MaxSeconds { get; private set; } = 60;

    /// <summary>Backends for the device section (--device-backends); empty: the section is skipped.</summary>
    public string[] DeviceBackends { get; private set; } = [];

    /// <summary>Time per backend × kernel in the device section; at least three runs whatever it is.</summary>
    public double DeviceSeconds { get; private set; } = 1;

    public int Warmup => Math.Max(3, Iterations / 10);

    public const string Usage = """
        usage: Edge.Benchmarks [options]
          --filter SUBSTRING   only models whose name contains SUBSTRING
          --iterations N       timed runs per measurement (default 200)
          --threads 1,2        intra-op thread counts (default 1,2)
          --quick              smoke mode: 20 iterations, 10 s per measurement
          --max-seconds S      time budget per measurement (default 60)
          --json FILE          also write all results as JSON
          --no-bandwidth       skip the read-bandwidth and weight-streaming section
          --no-memory          skip the peak-RSS child processes
          --no-fixtures        only the generated speed models
          --device-backends cpu,ilgpu-cpu,opencl,cuda
                               int8 GEMM/GEMV/conv on each backend (absent: skipped)
          --device-seconds S   time per backend x kernel in that section (default 1, at least 3 runs)
        """;

    public static BenchmarkOptions Parse(string[] args)
    {
        var o = new BenchmarkOptions();
        bool iterationsSet = false, secondsSet = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--filter": o.Filter = Value(); break;
                case "--iterations": o.Iterations = PositiveInt(Value(), "--iterations"); iterationsSet = true; break;
                case "--threads": o.Threads = Value().Split(',').Select(t => PositiveInt(t, "--threads")).ToArray(); break;
                case "--quick": o.Quick = true; break;
                case "--max-seconds": o.MaxSeconds = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); secondsSet = true; break;
                case "--json": o.JsonPath = Value(); break;
                case "--no-bandwidth": o.Bandwidth = false; break;
                case "--no-memory": o.Memory = false; break;
                case "--no-fixtures": o.Fixtures = false; break;
                case "--device-backends": o.DeviceBackends = DeviceBackendList(Value()); break;
                case "--device-seconds": o.DeviceSeconds = PositiveSeconds(Value(), "--device-seconds"); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}");
            }
        }
        if (o.Quick)
        {
            if (!iterationsSet) o.Iterations = 20;
            if (!secondsSet) o.MaxSeconds = 10;
        }
        return o;
    }

    public bool Includes(string model) => Filter is null || model.Contains(Filter, StringComparison.OrdinalIgnoreCase);

    private static string[] DeviceBackendList(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string name in names)
            if (!Devices.DeviceBenchmark.Known.Contains(name))
                throw new ArgumentException($"--device-backends: unknown backend '{name}' (known: {string.Join(", ", Devices.DeviceBenchmark.Known)})");
        return names.Length > 0 ? names.Distinct().ToArray() : throw new ArgumentException("--device-backends needs at least one backend");
    }

    private static double PositiveSeconds(string text, string option) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) && s > 0 && double.IsFinite(s)
            ? s : throw new ArgumentException($"{option}: '{text}' is not a positive number of seconds");

    private static int PositiveInt(string text, string option) =>
        int.TryParse(text, out int n) && n > 0 ? n : throw new ArgumentException($"{option}: '{text}' is not a positive integer");
}

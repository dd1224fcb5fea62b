using Edge.Benchmarks.Models;

namespace Edge.Benchmarks;

/// <summary>
/// Runs the measurements. Every model × batch × engine × threads measurement is independent: an
/// exception is recorded in that row (Edge does not support every op yet) and the run goes on.
/// </summary>
internal sealed class BenchmarkRunner(BenchmarkOptions options, BenchmarkReport report, TextWriter log)
{
    public void RunModel(string name, string path, int[] batches)
    {
        foreach (int batch in batches)
        {
            List<BenchInput> inputs;
            try
            {
                inputs = InputFactory.Create(path, batch);
            }
            catch (Exception e)
            {
                log.WriteLine($"  {name} batch {batch}: skipped ({Short(e)})");
                continue;
            }
            IReadOnlyList<BenchOutput>? ortOutputs = null, edgeOutputs = null;
            (long, long, long)? facts = null;
            string? ortError = null, edgeError = null;
            foreach (int threads in options.Threads)
            {
                var (ort, ortErr) = Time(() => new OrtEngine(path, threads, inputs), e => ortOutputs ??= e.ReadOutputs());
                var (edge, edgeErr) = Time(() =>
                {
                    var e = new EdgeEngine(path, threads, inputs);
                    facts ??= e.PlanFacts();
                    return e;
                }, e => edgeOutputs ??= e.ReadOutputs());
                ortError ??= ortErr;
                edgeError ??= edgeErr;
                var row = new LatencyRow(name, batch, threads, ort, edge, ortErr, edgeErr);
                report.Latency.Add(row);
                log.WriteLine($"  {ReportPrinter.FormatRow(row)}");
            }
            string outputs = ortOutputs is not null && edgeOutputs is not null ? OutputComparison.Describe(ortOutputs, edgeOutputs)
                : ortOutputs is null ? $"ort: {ortError}" : $"edge: {edgeError}";
            report.Comparisons.Add(new ComparisonRow(name, batch, outputs, facts?.Item1, facts?.Item2, facts?.Item3));
        }
    }

    public void RunBandwidth(string gemvPath)
    {
        var read = new Dictionary<int, double>();
        foreach (int threads in options.Threads)
        {
            read[threads] = ReadBandwidth.MeasureGBps(threads);
            log.WriteLine($"  read bandwidth, {threads} thread(s): {read[threads]:0.0} GB/s");
        }
        GC.Collect();
        var streaming = new List<StreamingRow>();
        var inputs = InputFactory.Create(gemvPath, 1);
        long weightBytes = (long)DynamicGemvModel.Size * DynamicGemvModel.Size;
        foreach (int threads in options.Threads)
        {
            foreach (string engine in new[] { "ort", "edge" })
            {
                StreamingRow row;
                try
                {
                    var r = WeightStreaming.Measure(
                        () => engine == "ort" ? new OrtEngine(gemvPath, threads, inputs) : new EdgeEngine(gemvPath, threads, inputs),
                        weightBytes, options.Iterations, options.MaxSeconds);
                    row = new StreamingRow(engine, threads, r.Copies, weightBytes, r.Stats.P50Ms, r.GBps, r.GBps / read[threads], null);
                }
                catch (Exception e)
                {
                    row = new StreamingRow(engine, threads, WeightStreaming.Copies, weightBytes, null, null, null, Short(e));
                }
                streaming.Add(row);
                GC.Collect();
                log.WriteLine($"  {ReportPrinter.FormatStreaming(row)}");
            }
        }
        report.Bandwidth = new BandwidthSection(read, streaming);
    }

    public void RunMemory(string name, string path)
    {
        var (ort, ortError) = PeakMemory.Measure("ort", path);
        var (edge, edgeError) = PeakMemory.Measure("edge", path);
        var row = new MemoryRow(name, ort, edge, ortError, edgeError);
        report.Memory.Add(row);
        log.WriteLine($"  {ReportPrinter.FormatMemory(row)}");
    }

    private (LatencyStats? Stats, string? Error) Time(Func<IEngine> create, Action<IEngine> capture)
    {
        try
        {
            using var engine = create();
            var stats = LatencyStats.Measure(engine.Run, options.Warmup, options.Iterations, options.MaxSeconds);
            capture(engine);
            return (stats, null);
        }
        catch (Exception e)
        {
            return (null, Short(e));
        }
        finally
        {
            // Sessions hold large native and managed buffers: release them before the next measurement.
            GC.Collect();
        }
    }

    public static string Short(Exception e)
    {
        var inner = e is AggregateException { InnerException: { } i } ? i : e;
        string message = inner.Message.Split('\n')[0].Trim();
        return inner is Edge.Runtime.ModelException or NotSupportedException ? message : $"{inner.GetType().Name}: {message}";
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Edge.Benchmarks;

/// <summary>
/// Peak RSS per (engine, model): each runs in a fresh child process (this program with the hidden
/// <c>--rss-child</c> mode), since VmHWM is a process-wide high-water mark that in-process
/// measurement would mix across models and engines.
/// </summary>
internal static partial class PeakMemory
{
    public const string ChildFlag = "--rss-child";

    /// <summary>The child: load, run 20 times at batch 1 / 1 thread, print VmHWM. engine "none" is the bare process.</summary>
    public static int RunChild(string engine, string modelPath)
    {
        try
        {
            if (engine != "none")
            {
                var inputs = InputFactory.Create(modelPath, 1);
                using IEngine e = engine == "ort" ? new OrtEngine(modelPath, 1, inputs) : new EdgeEngine(modelPath, 1, inputs);
                for (int i = 0; i < 20; i++)
                    e.Run();
            }
        }
        catch (Exception e)
        {
            // One line the parent shows in the table instead of a stack trace.
            Console.Error.WriteLine($"error: {BenchmarkRunner.Short(e)}");
            return 1;
        }
        Console.WriteLine(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)));
        return 0;
    }

    /// <summary>Peak RSS in MiB of a child process, or the error it reported.</summary>
    public static (double? MiB, string? Error) Measure(string engine, string modelPath)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        start.FileName = host;
        // Under `dotnet Edge.Benchmarks.dll` the host is dotnet itself and needs the assembly path.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(PeakMemory).Assembly.Location);
        start.ArgumentList.Add(ChildFlag);
        start.ArgumentList.Add(engine);
        start.ArgumentList.Add(modelPath);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start child");
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var match = VmHwm().Match(stdout);
        if (child.ExitCode == 0 && match.Success)
            return (long.Parse(match.Groups[1].Value) / 1024.0, null);
        string error = (stderr.Result + stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.StartsWith("error: ", StringComparison.Ordinal) ? l[7..] : l)
            .FirstOrDefault() ?? $"exit code {child.ExitCode}";
        return (null, error);
    }

    [GeneratedRegex(@"VmHWM:\s+(\d+)\s+kB")]
    private static partial Regex VmHwm();
}

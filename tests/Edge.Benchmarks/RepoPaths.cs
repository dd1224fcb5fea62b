namespace Edge.Benchmarks;

/// <summary>Finds the repository (by Edge.sln), its fixtures, and describes the machine.</summary>
internal static class RepoPaths
{
    /// <summary>Walks up from the binary, then from the working directory, to the folder holding Edge.sln.</summary>
    public static string FindRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
                    return dir.FullName;
        }
        throw new InvalidOperationException("Edge.sln not found above the program or the working directory");
    }

    /// <summary>tests/fixtures/*/model.onnx, named "fixture/&lt;folder&gt;"; empty when the folder is absent.</summary>
    public static List<(string Name, string Path)> Fixtures(string root)
    {
        string folder = Path.Combine(root, "tests", "fixtures");
        if (!Directory.Exists(folder))
            return [];
        return Directory.GetDirectories(folder)
            .Select(d => (Name: "fixture/" + Path.GetFileName(d), Path: Path.Combine(d, "model.onnx")))
            .Where(f => File.Exists(f.Path))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    public static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string Quote(string arg) => arg.Length > 0 && !arg.Any(c => char.IsWhiteSpace(c) || c == '"') ? arg : $"\"{arg.Replace("\"", "\\\"")}\"";
}

using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;

namespace Edge.Runtime.Tests.Conformance;

/// <summary>
/// The official ONNX backend node tests (Debian's libonnx-testdata) that exercise only operators
/// Edge claims, minus the documented exclusions.
/// </summary>
internal static class OnnxNodeTestCatalog
{
    public const string Root = "/usr/share/libonnx-testdata/data/node";

    private static readonly Lazy<Catalog> Instance = new(Build);

    /// <summary>Test folder names that run, with the ops each exercises.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Runnable => Instance.Value.Runnable;

    /// <summary>Excluded test names with their reasons.</summary>
    public static IReadOnlyDictionary<string, string> Excluded => Instance.Value.Excluded;

    public static bool Available => Directory.Exists(Root);

    private sealed record Catalog(Dictionary<string, IReadOnlyList<string>> Runnable, Dictionary<string, string> Excluded);

    private static Catalog Build()
    {
        var excluded = ReadExclusions();
        var runnable = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!Available)
            return new Catalog(runnable, excluded);
        var registry = OperatorRegistry.Default;
        foreach (string dir in Directory.GetDirectories(Root).OrderBy(d => d, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            if (excluded.ContainsKey(name))
                continue;
            var model = OnnxModelReader.ReadModel(Path.Combine(dir, "model.onnx"));
            var imports = model.OpsetImport.ToDictionary(o => GraphImporter.NormalizeDomain(o.Domain), o => (int)o.Version);
            var ops = new List<string>();
            bool claimed = true;
            foreach (var node in model.Graph.Node)
            {
                string domain = GraphImporter.NormalizeDomain(node.Domain);
                if (node.OpType == "Constant" && domain.Length == 0)
                    continue;
                if (!imports.TryGetValue(domain, out int opset) || registry.Find(domain, node.OpType, opset) is null)
                {
                    claimed = false;
                    break;
                }
                ops.Add(node.OpType);
            }
            if (claimed && ops.Count > 0)
                runnable[name] = ops.Distinct().ToList();
        }
        return new Catalog(runnable, excluded);
    }

    private static Dictionary<string, string> ReadExclusions()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string path = Path.Combine(AppContext.BaseDirectory, "Conformance", "ExcludedNodeTests.txt");
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int hash = line.IndexOf('#');
            if (hash < 0)
                throw new InvalidDataException($"ExcludedNodeTests.txt: '{line}' has no '# reason'");
            result[line[..hash].Trim()] = line[(hash + 1)..].Trim();
        }
        return result;
    }
}

using System.Text.Json;
using Edge.Onnx;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Tests.Fixtures;

/// <summary>One PyTorch-made fixture under tests/fixtures: model, info.json and the digits test split.</summary>
internal sealed record FixtureModel(string Name, string Folder, string Quantization, string InputName, string OutputName)
{
    public string ModelPath => Path.Combine(Folder, "model.onnx");

    public bool IsFloat => Quantization == "none";

    public bool IsQdq => Quantization.Contains("qdq");

    public static IReadOnlyList<FixtureModel> All()
    {
        if (!Directory.Exists(RepositoryPaths.Fixtures))
            return [];
        return Directory.GetDirectories(RepositoryPaths.Fixtures)
            .Where(d => File.Exists(Path.Combine(d, "model.onnx")) && File.Exists(Path.Combine(d, "info.json")))
            .Select(Load)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    public static FixtureModel Load(string folder)
    {
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "info.json")));
        var root = info.RootElement;
        return new FixtureModel(Path.GetFileName(folder), folder, root.GetProperty("quantization").GetString()!,
            root.GetProperty("input").GetString()!, root.GetProperty("output").GetString()!);
    }

    public Tensor TestInputs() => ReadTensor(Path.Combine(Folder, "test_split", "inputs.pb"));

    public long[] TestLabels() => ReadTensor(Path.Combine(Folder, "test_split", "labels.pb")).ToInt64Array();

    private static Tensor ReadTensor(string path) => TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(path), path);
}

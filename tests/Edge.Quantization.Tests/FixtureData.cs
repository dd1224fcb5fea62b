using Edge.Onnx;
using Edge.Runtime.Tensors;
using Edge.Runtime.Tests;

namespace Edge.Quantization.Tests;

/// <summary>A fp32 fixture: its model, calibration folder and test split (inputs and labels).</summary>
internal sealed class FixtureData
{
    private static readonly Dictionary<string, FixtureData> Cache = new(StringComparer.Ordinal);

    private FixtureData(string name)
    {
        Name = name;
        Folder = Path.Combine(RepositoryPaths.Fixtures, name);
        var inputs = OnnxModelReader.ReadTensor(Path.Combine(Folder, "test_split", "inputs.pb"));
        TestInputs = TensorProtoConverter.ToTensor(inputs, "inputs.pb");
        InputName = inputs.Name;
        Labels = TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(Path.Combine(Folder, "test_split", "labels.pb")), "labels.pb").ToInt64Array();
    }

    public string Name { get; }

    public string Folder { get; }

    public string ModelPath => Path.Combine(Folder, "model.onnx");

    public string CalibrationFolder => Path.Combine(Folder, "calibration");

    public string InputName { get; }

    public Tensor TestInputs { get; }

    public long[] Labels { get; }

    public static FixtureData Get(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var data))
                Cache[name] = data = new FixtureData(name);
            return data;
        }
    }

    /// <summary>Share of rows of [N, classes] logits whose argmax is the label.</summary>
    public double Accuracy(ReadOnlySpan<float> logits)
    {
        int classes = logits.Length / Labels.Length;
        int correct = 0;
        for (int r = 0; r < Labels.Length; r++)
        {
            var row = logits.Slice(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (row[c] > row[best]) best = c;
            if (best == Labels[r]) correct++;
        }
        return (double)correct / Labels.Length;
    }
}

using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Validation;

/// <summary>
/// Runs a model folder in the ONNX backend-test layout (<c>model.onnx</c>,
/// <c>test_data_set_N/input_K.pb</c>, <c>output_K.pb</c>) and compares each output.
/// </summary>
public static class ModelTestRunner
{
    /// <summary>The data set folders of a model folder, in numeric order.</summary>
    public static IReadOnlyList<string> DataSets(string folder) =>
        Directory.GetDirectories(folder, "test_data_set_*")
            .OrderBy(d => int.TryParse(Path.GetFileName(d)["test_data_set_".Length..], out int n) ? n : int.MaxValue)
            .ToList();

    /// <summary>Reads <c>input_K.pb</c> (or <c>output_K.pb</c>) files in K order as named tensors.</summary>
    public static List<(string Name, Tensor Value)> ReadTensors(string dataSet, string prefix)
    {
        var files = Directory.GetFiles(dataSet, prefix + "_*.pb")
            .OrderBy(f => int.TryParse(Path.GetFileNameWithoutExtension(f)[(prefix.Length + 1)..], out int n) ? n : int.MaxValue);
        var result = new List<(string, Tensor)>();
        foreach (string file in files)
        {
            var proto = OnnxModelReader.ReadTensor(file);
            result.Add((proto.Name, TensorProtoConverter.ToTensor(proto, Path.GetFileName(file))));
        }
        return result;
    }

    /// <summary>Runs every data set of <paramref name="folder"/> with <paramref name="session"/>.</summary>
    public static List<DataSetResult> Run(InferenceSession session, string folder, Tolerance tolerance)
    {
        var results = new List<DataSetResult>();
        foreach (string dataSet in DataSets(folder))
            results.Add(RunDataSet(session, dataSet, tolerance));
        return results;
    }

    private static DataSetResult RunDataSet(InferenceSession session, string dataSet, Tolerance tolerance)
    {
        string name = Path.GetFileName(dataSet);
        try
        {
            var inputs = ReadTensors(dataSet, "input");
            var expected = ReadTensors(dataSet, "output");
            // Backend-test files name their tensors; when they do not, position decides.
            var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            for (int i = 0; i < inputs.Count; i++)
            {
                string inputName = session.Inputs.Any(x => x.Name == inputs[i].Name) ? inputs[i].Name
                    : i < session.Inputs.Count ? session.Inputs[i].Name
                    : throw new ModelException($"{name}: input_{i}.pb has no matching model input");
                feeds[inputName] = inputs[i].Value;
            }
            var outputs = session.Run(feeds);
            var comparisons = new List<TensorComparison>();
            for (int i = 0; i < expected.Count; i++)
            {
                string outputName = outputs.ContainsKey(expected[i].Name) ? expected[i].Name
                    : i < session.Outputs.Count ? session.Outputs[i].Name
                    : throw new ModelException($"{name}: output_{i}.pb has no matching model output");
                comparisons.Add(TensorComparison.Compare(outputName, expected[i].Value, outputs[outputName], tolerance));
            }
            return new DataSetResult(name, comparisons, null);
        }
        catch (Exception e) when (e is ModelException or OnnxFormatException)
        {
            return new DataSetResult(name, [], e.Message);
        }
    }
}

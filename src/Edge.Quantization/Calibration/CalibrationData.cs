using System.Text.RegularExpressions;
using Edge.Onnx;
using Edge.Onnx.Protos;
using Edge.Runtime;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Calibration;

/// <summary>
/// Calibration batches read from a folder of serialized TensorProto <c>.pb</c> files: for a model
/// with one input every file is one batch; with several inputs, <c>&lt;input name&gt;_K.pb</c>
/// files with the same K form batch K. Every tensor is checked against the model input's type and
/// fixed dimensions.
/// </summary>
public sealed partial class CalibrationData
{
    private CalibrationData(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> batches) => Batches = batches;

    /// <summary>The batches, each a value per model input.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Tensor>> Batches { get; }

    /// <summary>Reads <paramref name="directory"/> for the inputs of <paramref name="model"/>.</summary>
    public static CalibrationData Load(string directory, ModelProto model)
    {
        if (!Directory.Exists(directory))
            throw new QuantizationException($"calibration directory '{directory}' does not exist");
        var files = Directory.GetFiles(directory, "*.pb").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new QuantizationException($"calibration directory '{directory}' holds no .pb files (one serialized TensorProto per input batch)");
        var graph = model.Graph ?? throw new QuantizationException("model has no graph");
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count == 0)
            throw new QuantizationException("model has no inputs to calibrate");

        var batches = new List<IReadOnlyDictionary<string, Tensor>>();
        if (inputs.Count == 1)
        {
            foreach (string file in files.OrderBy(BatchIndex).ThenBy(f => f, StringComparer.Ordinal))
                batches.Add(new Dictionary<string, Tensor>(StringComparer.Ordinal) { [inputs[0].Name] = Read(file, inputs[0]) });
            return new CalibrationData(batches);
        }

        var byIndex = new SortedDictionary<long, Dictionary<string, Tensor>>();
        foreach (string file in files)
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            var input = inputs.FirstOrDefault(i => stem.StartsWith(i.Name + "_", StringComparison.Ordinal) && long.TryParse(stem.AsSpan(i.Name.Length + 1), out _))
                ?? throw new QuantizationException($"calibration file '{file}': name is not <input name>_K.pb for any model input ({string.Join(", ", inputs.Select(i => i.Name))})");
            long index = long.Parse(stem.AsSpan(input.Name.Length + 1));
            if (!byIndex.TryGetValue(index, out var batch))
                byIndex[index] = batch = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            batch[input.Name] = Read(file, input);
        }
        foreach (var (index, batch) in byIndex)
        {
            var missing = inputs.Where(i => !batch.ContainsKey(i.Name)).Select(i => $"{i.Name}_{index}.pb").ToList();
            if (missing.Count > 0)
                throw new QuantizationException($"calibration directory '{directory}': batch {index} lacks {string.Join(", ", missing)}");
            batches.Add(batch);
        }
        return new CalibrationData(batches);
    }

    private static long BatchIndex(string file) =>
        TrailingNumber().Match(Path.GetFileNameWithoutExtension(file)) is { Success: true } m && long.TryParse(m.Value, out long k) ? k : long.MaxValue;

    private static Tensor Read(string file, ValueInfoProto input)
    {
        Tensor tensor;
        try
        {
            tensor = TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(file), $"calibration file '{file}'");
        }
        catch (Exception e) when (e is ModelException or OnnxFormatException or IOException)
        {
            throw new QuantizationException($"calibration file '{file}': {e.Message}", e);
        }
        var type = input.Type?.TensorType;
        if (type is not null && type.ElemType != (int)tensor.Type)
            throw new QuantizationException($"calibration file '{file}': element type {tensor.Type.OnnxName()} does not match input '{input.Name}' ({DataTypes.OnnxCodeName(type.ElemType)})");
        if (type?.Shape is { } shape)
        {
            bool matches = shape.Dim.Count == tensor.Shape.Rank;
            for (int d = 0; matches && d < shape.Dim.Count; d++)
                matches = !shape.Dim[d].HasDimValue || shape.Dim[d].DimValue == tensor.Shape[d];
            if (!matches)
            {
                string expected = "[" + string.Join(",", shape.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString() : d.HasDimParam ? d.DimParam : "?")) + "]";
                throw new QuantizationException($"calibration file '{file}': shape {tensor.Shape} does not match input '{input.Name}' {expected}");
            }
        }
        return tensor;
    }

    [GeneratedRegex(@"\d+$")]
    private static partial Regex TrailingNumber();
}

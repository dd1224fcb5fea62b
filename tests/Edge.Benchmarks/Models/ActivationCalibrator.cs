using Edge.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace Edge.Benchmarks.Models;

/// <summary>
/// Min/max calibration: runs the fp32 model in ORT with every named step exposed as a graph output
/// on the same random input distribution the benchmark feeds, and records each tensor's range.
/// </summary>
internal static class ActivationCalibrator
{
    public static Dictionary<string, (float Min, float Max)> Calibrate(ModelProto floatModel, IReadOnlyList<string> keys, string inputName, long[] inputShape)
    {
        var model = floatModel.Clone();
        var existing = model.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string key in keys.Where(k => k != inputName && !existing.Contains(k)))
            model.Graph.Output.Add(GraphBuilder.ValueInfo(key, 1, null));

        var data = InputFactory.RandomFloats(new Random(7), (int)inputShape.Aggregate(1L, (a, b) => a * b));
        var ranges = new Dictionary<string, (float, float)>(StringComparer.Ordinal) { [inputName] = MinMax(data) };
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var input = OrtValue.CreateTensorValueFromMemory(data, inputShape);
        using var runOptions = new RunOptions();
        var names = model.Graph.Output.Select(o => o.Name).ToArray();
        using var outputs = session.Run(runOptions, [inputName], [input], names);
        for (int i = 0; i < names.Length; i++)
            ranges[names[i]] = MinMax(outputs[i].GetTensorDataAsSpan<float>());
        return ranges;
    }

    private static (float, float) MinMax(ReadOnlySpan<float> values)
    {
        float min = float.MaxValue, max = float.MinValue;
        foreach (float v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }
}

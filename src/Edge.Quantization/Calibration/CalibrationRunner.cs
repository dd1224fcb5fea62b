using Edge.Onnx.Protos;
using Edge.Runtime;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Calibration;

/// <summary>
/// Runs the float model in Edge's own runtime over the calibration batches, with the tensors to
/// observe added as graph outputs, and feeds each tensor's values to its calibrator.
/// </summary>
internal static class CalibrationRunner
{
    public static Dictionary<string, ValueRange> Run(ModelProto model, IReadOnlyCollection<string> tensors, CalibrationData data, Func<string, ICalibrator> createCalibrator)
    {
        var observed = model.Clone();
        var graph = observed.Graph;
        var inputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string tensor in tensors.Where(t => !inputs.Contains(t) && !outputs.Contains(t)))
            graph.Output.Add(new ValueInfoProto { Name = tensor, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });

        InferenceSession session;
        try
        {
            session = new InferenceSession(GraphImporter.Import(observed));
        }
        catch (ModelException e)
        {
            throw new QuantizationException($"cannot run the float model for calibration: {e.Message}", e);
        }

        var calibrators = tensors.ToDictionary(t => t, createCalibrator, StringComparer.Ordinal);
        using (session)
        {
            for (int b = 0; b < data.Batches.Count; b++)
            {
                var batch = data.Batches[b];
                Dictionary<string, Tensor> results;
                try
                {
                    results = session.Run(batch);
                }
                catch (ModelException e)
                {
                    throw new QuantizationException($"calibration batch {b}: {e.Message}", e);
                }
                foreach (var (tensor, calibrator) in calibrators)
                {
                    if (!batch.TryGetValue(tensor, out var value) && !results.TryGetValue(tensor, out value))
                        throw new QuantizationException($"calibration: the runtime did not produce tensor '{tensor}'");
                    if (value.Type != DataType.Float32)
                        throw new QuantizationException($"tensor '{tensor}' is {value.Type.OnnxName()}, not float: it cannot be calibrated");
                    calibrator.Collect(value.AsSpan<float>());
                }
            }
        }
        return calibrators.ToDictionary(c => c.Key, c => c.Value.ComputeRange(), StringComparer.Ordinal);
    }
}

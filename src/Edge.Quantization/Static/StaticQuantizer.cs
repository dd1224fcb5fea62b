using Edge.Quantization.Calibration;
using Edge.Quantization.Graph;
using Edge.Quantization.Preprocessing;

namespace Edge.Quantization.Static;

/// <summary>
/// Static post-training quantization: folds BatchNorm into Conv, plans which nodes run on int8,
/// calibrates the activation ranges by running the float model in Edge's runtime, and writes the
/// result as QDQ or QOperator.
/// </summary>
internal static class StaticQuantizer
{
    public static List<NodeDecision> Quantize(GraphEditor graph, QuantizationOptions options)
    {
        if (options.CalibrationDirectory is null)
            throw new QuantizationException("static quantization needs calibration data (--calibration DIR)");
        // Read the data first: a bad folder should fail before any work is done.
        var data = CalibrationData.Load(options.CalibrationDirectory, graph.Model);
        if (options.PerChannel && graph.OnnxOpset < 13)
            throw new QuantizationException($"per-channel quantization needs DequantizeLinear's axis (opset 13); the model imports opset {graph.OnnxOpset}");

        var folded = BatchNormFolder.Fold(graph);
        var excluded = new HashSet<string>(options.ExcludedNodes, StringComparer.Ordinal);
        var plan = StaticPlanner.Plan(graph, excluded);
        var decisions = folded.Select(name => new NodeDecision(name, "BatchNormalization", true, "folded into the preceding Conv")).ToList();
        decisions.AddRange(plan.Decisions);
        if (plan.Layers.Count == 0)
            return decisions;

        // Model inputs and results keep their full range whatever the method: inputs are usually
        // normalised with few distinct values (a KL search then clips them to the first level), and
        // clipping logits can tie the top classes.
        var boundary = plan.ParameterSource.Where(p => graph.IsGraphOutput(p.Key) || graph.IsGraphInput(p.Key)).Select(p => p.Value).ToHashSet(StringComparer.Ordinal);
        var ranges = CalibrationRunner.Run(graph.Model, plan.CalibratedTensors.ToList(), data,
            tensor => boundary.Contains(tensor) ? new MinMaxCalibrator() : CalibratorFactory.Create(options.CalibrationMethod, options.Percentile));
        var parameters = ranges.ToDictionary(r => r.Key, r => QuantizationMath.ActivationParams(r.Value.Min, r.Value.Max, options.ActivationType), StringComparer.Ordinal);

        if (options.Format == QuantizationFormat.Qdq)
            QdqEmitter.Emit(graph, plan, parameters, options);
        else
            QOperatorEmitter.Emit(graph, plan, parameters, options);
        return decisions;
    }
}

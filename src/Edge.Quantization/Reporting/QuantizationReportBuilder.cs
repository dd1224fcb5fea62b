using Edge.Onnx.Protos;
using Edge.Runtime;
using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;
using Google.Protobuf;

namespace Edge.Quantization.Reporting;

/// <summary>
/// Compares an fp32 model with its quantized form on calibration data and builds a
/// <see cref="QuantizationReport"/>. Layers are matched by the order of weight-bearing compute nodes
/// and their weight shapes (not names); each layer's result is read from both models by adding its
/// tensors as extra graph outputs to copies, run with Edge's own sessions (so the quantized model
/// runs with the int8 kernels its fusions pick, as it would on a device).
/// </summary>
public sealed class QuantizationReportBuilder
{
    /// <summary>Bins of the weight histograms.</summary>
    public int HistogramBins { get; init; } = 48;

    /// <summary>Names the report shows for the models.</summary>
    public string Fp32Name { get; init; } = "fp32 model";

    public string QuantizedName { get; init; } = "quantized model";

    /// <summary>
    /// Builds the report for a single-input model from stacked samples (dimension 0), e.g. a data
    /// folder's <c>inputs.pb</c>, run in batches of <paramref name="batchSize"/>, at most <paramref name="maxSamples"/> of them.
    /// </summary>
    public QuantizationReport Build(ModelProto fp32, ModelProto quantized, Tensor samples, int batchSize = 32, int maxSamples = 512)
    {
        var initializers = fp32.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = fp32.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => i.Name).ToList();
        if (inputs.Count != 1)
            throw new ModelException($"{Fp32Name} has {inputs.Count} inputs ({string.Join(", ", inputs)}); calibration samples in one tensor feed exactly one");
        return Build(fp32, quantized, CalibrationBatches.Split(inputs[0], samples, batchSize, maxSamples));
    }

    /// <summary>
    /// Builds the report. <paramref name="calibration"/> batches are keyed by the fp32 model's input
    /// names; the quantized model gets them by name, or by position when its inputs are named otherwise.
    /// Throws <see cref="ModelException"/> when the models do not line up or a model cannot run.
    /// </summary>
    public QuantizationReport Build(ModelProto fp32, ModelProto quantized, IEnumerable<IReadOnlyDictionary<string, Tensor>> calibration)
    {
        var referenceIndex = new GraphIndex(GraphImporter.Import(fp32));
        var quantizedIndex = new GraphIndex(GraphImporter.Import(quantized));
        var referenceSites = LayerLocator.Find(referenceIndex);
        var quantizedSites = LayerLocator.Find(quantizedIndex);
        if (quantizedSites.Count == 0)
            throw new ModelException($"{QuantizedName}: no weight-bearing layer (Conv, Gemm, MatMul with a constant weight, or their quantized forms) to report on");
        var pairs = LayerAligner.Align(referenceSites.Select(s => s.ShapeKey).ToList(), quantizedSites.Select(s => s.ShapeKey).ToList());
        // A quantizer keeps weight shapes, so most layers must pair up; a stray shape coincidence must not pass.
        if (pairs.Count * 2 < Math.Max(referenceSites.Count, quantizedSites.Count))
            throw new ModelException($"only {pairs.Count} of the {quantizedSites.Count} layers of {QuantizedName} match a layer of {Fp32Name} by weight shape ({string.Join(" ", quantizedSites.Select(s => s.ShapeKey))} vs {string.Join(" ", referenceSites.Select(s => s.ShapeKey))}): not the same architecture");
        var notes = Unmatched(referenceSites, quantizedSites, pairs);

        var layers = pairs.Select(p => new LayerProbe(referenceSites[p.Reference], quantizedSites[p.Quantized])).ToList();
        var referenceTaps = layers.SelectMany(l => l.ReferenceTaps).Select(t => (t, DataType.Float32));
        var quantizedTaps = layers.SelectMany(l => l.QuantizedTaps).Select(t => (t.Tensor, t.Type));
        using var referenceSession = new TapSession(fp32, referenceTaps, "fp32");
        using var quantizedSession = new TapSession(quantized, quantizedTaps, "quantized");
        var outputs = PairOutputs(fp32, quantized, notes);

        int samples = 0;
        foreach (var batch in calibration)
        {
            var referenceResults = referenceSession.Run(ReferenceInputs(batch, referenceSession));
            var quantizedResults = quantizedSession.Run(QuantizedInputs(batch, referenceSession, quantizedSession));
            samples += batch.Values.First().Shape.Rank > 0 ? batch.Values.First().Shape[0] : 1;
            foreach (var layer in layers)
                layer.Accumulate(referenceResults, quantizedResults);
            foreach (var output in outputs)
                output.Accumulate(referenceResults, quantizedResults);
        }
        if (samples == 0)
            throw new ArgumentException("no calibration batches: the report needs data to measure the layers' outputs");

        double totalContribution = layers.Sum(l => l.Contribution);
        var reports = layers.Select((l, i) => l.ToReport(quantizedSites.IndexOf(l.Quantized), totalContribution, HistogramBins)).ToList();
        return new QuantizationReport
        {
            Fp32Model = Fp32Name,
            QuantizedModel = QuantizedName,
            Sizes = new ModelSizes(fp32.CalculateSize(), quantized.CalculateSize(),
                layers.Sum(l => l.Reference.WeightBytes), layers.Sum(l => l.Quantized.WeightBytes)),
            CalibrationSamples = samples,
            Layers = reports,
            Outputs = outputs.Select(o => o.ToReport()).ToList(),
            Notes = notes,
        };
    }

    private List<string> Unmatched(List<LayerSite> reference, List<LayerSite> quantized, List<(int Reference, int Quantized)> pairs)
    {
        var notes = new List<string>();
        var matchedReference = pairs.Select(p => p.Reference).ToHashSet();
        var matchedQuantized = pairs.Select(p => p.Quantized).ToHashSet();
        for (int i = 0; i < reference.Count; i++)
            if (!matchedReference.Contains(i))
                notes.Add($"{Fp32Name}: layer {reference[i].Node.Describe()} with weights {reference[i].ShapeKey} has no counterpart in {QuantizedName}");
        for (int i = 0; i < quantized.Count; i++)
            if (!matchedQuantized.Contains(i))
                notes.Add($"{QuantizedName}: layer {quantized[i].Node.Describe()} with weights {quantized[i].ShapeKey} has no counterpart in {Fp32Name}");
        return notes;
    }

    private static List<OutputProbe> PairOutputs(ModelProto fp32, ModelProto quantized, List<string> notes)
    {
        var reference = fp32.Graph.Output.Select(o => o.Name).ToList();
        var candidates = quantized.Graph.Output.Select(o => o.Name).ToList();
        if (reference.Count != candidates.Count)
            notes.Add($"the models have {reference.Count} and {candidates.Count} outputs; the first {Math.Min(reference.Count, candidates.Count)} are compared in order");
        return reference.Zip(candidates, (r, q) => new OutputProbe(r, q)).ToList();
    }

    private static Dictionary<string, Tensor> ReferenceInputs(IReadOnlyDictionary<string, Tensor> batch, TapSession session)
    {
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var input in session.Inputs)
            inputs[input.Name] = batch.TryGetValue(input.Name, out var tensor) ? tensor
                : throw new ModelException($"calibration batch has no tensor for the fp32 model's input '{input.Name}' (it has {string.Join(", ", batch.Keys)})");
        return inputs;
    }

    private static Dictionary<string, Tensor> QuantizedInputs(IReadOnlyDictionary<string, Tensor> batch, TapSession reference, TapSession quantized)
    {
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (quantized.Inputs.All(i => batch.ContainsKey(i.Name)))
        {
            foreach (var input in quantized.Inputs)
                inputs[input.Name] = batch[input.Name];
            return inputs;
        }
        if (quantized.Inputs.Count != reference.Inputs.Count)
            throw new ModelException($"the quantized model's inputs ({string.Join(", ", quantized.Inputs.Select(i => i.Name))}) do not match the fp32 model's ({string.Join(", ", reference.Inputs.Select(i => i.Name))})");
        for (int i = 0; i < quantized.Inputs.Count; i++)
            inputs[quantized.Inputs[i].Name] = batch[reference.Inputs[i].Name];
        return inputs;
    }
}

using Edge.Runtime;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Reporting;

/// <summary>One matched layer pair: which tensors to read from each model, and the running error sums.</summary>
internal sealed class LayerProbe
{
    private readonly SignalNoise _output = new(), _input = new();
    private readonly string _referenceOutput;

    public LayerProbe(LayerSite reference, LayerSite quantized)
    {
        Reference = reference;
        Quantized = quantized;
        _referenceOutput = reference.ReferenceTensorFor(quantized);
    }

    public LayerSite Reference { get; }

    public LayerSite Quantized { get; }

    private bool HasInput => Reference.InputTap is not null && Quantized.InputTap is not null;

    public IEnumerable<string> ReferenceTaps => HasInput ? [_referenceOutput, Reference.InputTap!.Tensor] : [_referenceOutput];

    public IEnumerable<OutputTap> QuantizedTaps => HasInput ? [Quantized.Tap, Quantized.InputTap!] : [Quantized.Tap];

    public void Accumulate(Dictionary<string, Tensor> reference, Dictionary<string, Tensor> quantized)
    {
        Compare(_output, _referenceOutput, reference, Quantized.Tap, quantized, "output");
        if (HasInput)
            Compare(_input, Reference.InputTap!.Tensor, reference, Quantized.InputTap!, quantized, "input");
    }

    /// <summary>Output noise-to-signal minus the input's: the relative noise this layer adds (≥ 0).</summary>
    public double Contribution => Math.Max(0, _output.NoiseToSignal - (HasInput ? _input.NoiseToSignal : 0));

    public LayerReport ToReport(int index, double totalContribution, int bins)
    {
        var before = Reference.ReferenceWeightsFor(Quantized) ?? [];
        var after = Quantized.Weights ?? [];
        double weightSqnr = double.NaN;
        if (before.Length == after.Length && before.Length > 0)
        {
            var weights = new SignalNoise();
            weights.Add(before, after);
            weightSqnr = weights.SqnrDb;
        }
        var quant = Quantized.WeightQuant;
        var outputQuant = Quantized.Tap.Quantization;
        double contribution = Contribution;
        return new LayerReport
        {
            Index = index,
            Name = Reference.Node.Name,
            OpType = Reference.Node.OpType,
            QuantizedName = Quantized.Node.Name,
            QuantizedOpType = Quantized.Node.OpType,
            Scheme = Quantized.Scheme,
            WeightShape = Quantized.WeightShape,
            WeightType = Quantized.WeightType.OnnxName(),
            WeightScale = quant is null ? null : ParameterSummary.Of(quant.Scales.Select(s => (double)s)),
            WeightZeroPoint = quant is null ? null : ParameterSummary.Of(quant.ZeroPoints.Select(z => (double)z)),
            OutputScale = outputQuant is { PerChannel: false } ? outputQuant.Scales[0] : null,
            OutputZeroPoint = outputQuant is { PerChannel: false } ? outputQuant.ZeroPoints[0] : null,
            WeightSqnrDb = weightSqnr,
            OutputSqnrDb = _output.SqnrDb,
            InputSqnrDb = HasInput ? _input.SqnrDb : double.NaN,
            ErrorContribution = contribution,
            ErrorShare = double.IsFinite(totalContribution) ? (totalContribution > 0 ? contribution / totalContribution : 0) : (double.IsInfinity(contribution) ? 1 : 0),
            ReferenceTensor = _referenceOutput,
            QuantizedTensor = Quantized.Tap.Tensor,
            Fp32WeightBytes = Reference.WeightBytes,
            QuantizedWeightBytes = Quantized.WeightBytes,
            Histogram = WeightHistogram.Of(before, after, bins),
        };
    }

    private void Compare(SignalNoise sums, string referenceName, Dictionary<string, Tensor> reference, OutputTap tap, Dictionary<string, Tensor> quantized, string what)
    {
        var x = reference[referenceName];
        var approximation = tap.Read(quantized[tap.Tensor]);
        if (x.Type != DataType.Float32 || x.ElementCount != approximation.Length)
            throw new ModelException($"layer {Quantized.Node.Describe()}: its {what} '{tap.Tensor}' has shape {quantized[tap.Tensor].Shape}, the fp32 model's '{referenceName}' ({Reference.Node.Describe()}) is {x}; the models do not line up here");
        sums.Add(x.AsSpan<float>(), approximation);
    }
}

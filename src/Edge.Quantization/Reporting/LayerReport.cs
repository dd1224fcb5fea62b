namespace Edge.Quantization.Reporting;

/// <summary>One weight-bearing layer, fp32 against quantized.</summary>
public sealed record LayerReport
{
    /// <summary>Position among the quantized model's layers (topological order), from 0.</summary>
    public required int Index { get; init; }

    /// <summary>The fp32 model's node name and op type.</summary>
    public required string Name { get; init; }

    public required string OpType { get; init; }

    /// <summary>The quantized model's node name and op type (names differ between PyTorch's exports).</summary>
    public required string QuantizedName { get; init; }

    public required string QuantizedOpType { get; init; }

    public required LayerScheme Scheme { get; init; }

    /// <summary>Weight shape, output channels first.</summary>
    public required IReadOnlyList<int> WeightShape { get; init; }

    /// <summary>The quantized model's weight element type ("int8", "uint8", "float").</summary>
    public required string WeightType { get; init; }

    /// <summary>Weight scale(s); null for float layers or scales computed at run time.</summary>
    public ParameterSummary? WeightScale { get; init; }

    public ParameterSummary? WeightZeroPoint { get; init; }

    /// <summary>Scale and zero point of the layer's quantized output; null when its output is float.</summary>
    public double? OutputScale { get; init; }

    public long? OutputZeroPoint { get; init; }

    /// <summary>SQNR of the dequantized weights against the fp32 weights (BatchNormalization folded in), dB.</summary>
    public required double WeightSqnrDb { get; init; }

    /// <summary>SQNR of the layer's output over the calibration set, dB: 10·log10(Σx² / Σ(x − x̂)²).</summary>
    public required double OutputSqnrDb { get; init; }

    /// <summary>SQNR of the layer's input (what earlier layers left it), dB.</summary>
    public required double InputSqnrDb { get; init; }

    /// <summary>
    /// The noise this layer adds: its output noise-to-signal ratio minus its input's (linear, ≥ 0).
    /// A layer passes its input's relative noise on roughly unchanged, so this is its own share.
    /// </summary>
    public required double ErrorContribution { get; init; }

    /// <summary><see cref="ErrorContribution"/> as a share of all layers' contributions (0–1).</summary>
    public required double ErrorShare { get; init; }

    /// <summary>The tensors compared: the fp32 model's and the quantized model's.</summary>
    public required string ReferenceTensor { get; init; }

    public required string QuantizedTensor { get; init; }

    public required long Fp32WeightBytes { get; init; }

    public required long QuantizedWeightBytes { get; init; }

    public required WeightHistogram Histogram { get; init; }
}

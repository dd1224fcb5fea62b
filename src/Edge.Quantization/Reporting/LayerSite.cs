using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Reporting;

/// <summary>
/// One weight-bearing compute node as the report sees it: its weights in a canonical [out, in, …]
/// layout (dequantized, with a following BatchNormalization folded in), and where to read its result.
/// </summary>
internal sealed record LayerSite
{
    public required Node Node { get; init; }

    public required LayerScheme Scheme { get; init; }

    /// <summary>Weight shape with the output channels first (MatMul's [K,N] weights transposed).</summary>
    public required int[] WeightShape { get; init; }

    /// <summary>Float weights in <see cref="WeightShape"/> order; null when the scale is not a constant.</summary>
    public required float[]? Weights { get; init; }

    /// <summary>The weights before a following BatchNormalization was folded into <see cref="Weights"/>; null without one.</summary>
    public float[]? UnfoldedWeights { get; init; }

    public required DataType WeightType { get; init; }

    /// <summary>Bytes of the stored weight, its scales and zero points.</summary>
    public required long WeightBytes { get; init; }

    public ScaleZeroPoint? WeightQuant { get; init; }

    /// <summary>Where the quantized model's float reading of this layer's result is.</summary>
    public required OutputTap Tap { get; init; }

    /// <summary>Where the layer's input is (its float reading), to tell the error it brings from the error it adds.</summary>
    public required OutputTap? InputTap { get; init; }

    /// <summary>Whether <see cref="Tap"/> includes the bias (a MatMul's separate Add, or a bias input).</summary>
    public required bool BiasIncluded { get; init; }

    /// <summary>Whether <see cref="Tap"/> includes a Relu/Clip, written out or done by saturation at the zero point.</summary>
    public required bool ActivationIncluded { get; init; }

    /// <summary>The compute node's own output.</summary>
    public required string RawOutput { get; init; }

    /// <summary>After a MatMul's bias Add and a BatchNormalization, before any activation.</summary>
    public required string PreActivation { get; init; }

    /// <summary>After the Relu/Clip that follows, if one does.</summary>
    public string? PostActivation { get; init; }

    /// <summary>The result before the BatchNormalization that follows, if one does.</summary>
    public string? BeforeBatchNorm { get; init; }

    /// <summary>A BatchNormalization reads this (quantized) layer's result: it was not folded into the weights.</summary>
    public bool BatchNormSeparate { get; init; }

    /// <summary>A MatMul whose bias is a separate Add (so <see cref="RawOutput"/> lacks it).</summary>
    public bool SeparateBias { get; init; }

    /// <summary>The float tensor of this (reference) layer that corresponds to <paramref name="quantized"/>'s tap.</summary>
    public string ReferenceTensorFor(LayerSite quantized)
    {
        if (SeparateBias && !quantized.BiasIncluded)
            return RawOutput;
        if (BeforeBatchNorm is not null && quantized.BatchNormSeparate)
            return BeforeBatchNorm;
        return quantized.ActivationIncluded && PostActivation is not null ? PostActivation : PreActivation;
    }

    /// <summary>The fp32 weights to compare with <paramref name="quantized"/>'s: unfolded when it keeps its BatchNormalization separate.</summary>
    public float[]? ReferenceWeightsFor(LayerSite quantized) =>
        quantized.BatchNormSeparate && UnfoldedWeights is not null ? UnfoldedWeights : Weights;

    /// <summary>"[64,128]": how layers are matched across models.</summary>
    public string ShapeKey => "[" + string.Join(",", WeightShape) + "]";
}

using Edge.Quantization.Calibration;

namespace Edge.Quantization;

/// <summary>What <see cref="ModelQuantizer"/> does; defaults are ONNX Runtime's quantizer defaults.</summary>
public sealed record QuantizationOptions
{
    public QuantizationMode Mode { get; init; } = QuantizationMode.Dynamic;

    /// <summary>Static only: QDQ pairs (default) or QOperator ops.</summary>
    public QuantizationFormat Format { get; init; } = QuantizationFormat.Qdq;

    /// <summary>Weights per output channel (Conv) or output column (MatMul/Gemm) instead of per tensor.</summary>
    public bool PerChannel { get; init; }

    /// <summary>7-bit weights ([-63, 63]) so that u8×s8 pair sums cannot saturate 16-bit SIMD lanes.</summary>
    public bool ReduceRange { get; init; }

    /// <summary>Static only: the activation type.</summary>
    public ActivationType ActivationType { get; init; } = ActivationType.UInt8;

    /// <summary>Static only: folder of TensorProto batches (see <see cref="CalibrationData"/>).</summary>
    public string? CalibrationDirectory { get; init; }

    public CalibrationMethod CalibrationMethod { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Percentile calibrator: the share of values (in percent) kept inside the range.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>Names of nodes that stay float.</summary>
    public IReadOnlyCollection<string> ExcludedNodes { get; init; } = [];
}

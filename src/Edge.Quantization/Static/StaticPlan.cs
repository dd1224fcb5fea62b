using Edge.Onnx.Protos;

namespace Edge.Quantization.Static;

/// <summary>What static quantization changes: the int8 layers, the data-movement ops that run on int8 data, and the tensors that get quantized.</summary>
internal sealed class StaticPlan
{
    public List<QuantizedLayer> Layers { get; } = [];

    /// <summary>MaxPool/Flatten/Reshape/… whose input is quantized: they run on the int8 data with the input's parameters.</summary>
    public List<NodeProto> PassThrough { get; } = [];

    /// <summary>Add/Mul/Concat/GlobalAveragePool whose data inputs are all quantized: int8 ops with their own calibrated output.</summary>
    public List<NodeProto> Operators { get; } = [];

    /// <summary>Every quantized float tensor → the tensor whose calibrated parameters it shares (itself when calibrated).</summary>
    public Dictionary<string, string> ParameterSource { get; } = new(StringComparer.Ordinal);

    public List<NodeDecision> Decisions { get; } = [];

    /// <summary>The tensors calibration must observe.</summary>
    public IEnumerable<string> CalibratedTensors => ParameterSource.Where(p => p.Key == p.Value).Select(p => p.Key);
}

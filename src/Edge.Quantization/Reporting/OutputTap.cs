namespace Edge.Quantization.Reporting;

/// <summary>
/// A tensor the report exposes as an extra graph output to read a layer's result: float as is, or
/// quantized (then <see cref="Quantization"/> turns it back into the float value it stands for).
/// </summary>
internal sealed record OutputTap(string Tensor, Edge.Runtime.Tensors.DataType Type, ScaleZeroPoint? Quantization)
{
    public static OutputTap Float(string tensor) => new(tensor, Edge.Runtime.Tensors.DataType.Float32, null);

    /// <summary>The float reading of the tapped tensor.</summary>
    public float[] Read(Edge.Runtime.Tensors.Tensor value)
    {
        if (Quantization is null)
            return value.AsSpan<float>().ToArray();
        return Quantization.Dequantize(value.ToInt64Array(), value.Shape.ToArray());
    }
}

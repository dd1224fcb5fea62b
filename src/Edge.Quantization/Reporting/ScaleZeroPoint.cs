namespace Edge.Quantization.Reporting;

/// <summary>Scale and zero point of a quantized tensor: one value each (per tensor) or one per index along <see cref="Axis"/>.</summary>
internal sealed record ScaleZeroPoint(float[] Scales, long[] ZeroPoints, int Axis)
{
    public bool PerChannel => Scales.Length > 1;

    /// <summary>Dequantizes raw integer values laid out in <paramref name="shape"/>.</summary>
    public float[] Dequantize(long[] values, int[] shape)
    {
        var result = new float[values.Length];
        if (!PerChannel)
        {
            long zero = ZeroPoints.Length > 0 ? ZeroPoints[0] : 0;
            for (int i = 0; i < values.Length; i++)
                result[i] = (values[i] - zero) * Scales[0];
            return result;
        }
        int axis = Axis < 0 ? Axis + shape.Length : Axis;
        if (axis < 0 || axis >= shape.Length || shape[axis] != Scales.Length)
            throw new Edge.Runtime.ModelException($"{Scales.Length} scales do not fit axis {Axis} of shape [{string.Join(",", shape)}]");
        int inner = 1;
        for (int d = axis + 1; d < shape.Length; d++)
            inner *= shape[d];
        int channels = shape[axis];
        for (int i = 0; i < values.Length; i++)
        {
            int c = i / inner % channels;
            long zero = ZeroPoints.Length == 1 ? ZeroPoints[0] : ZeroPoints.Length == 0 ? 0 : ZeroPoints[c];
            result[i] = (values[i] - zero) * Scales[c];
        }
        return result;
    }
}

using Edge.Quantization.Graph;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Static;

/// <summary>
/// A layer's int8 weight (symmetric, zero point 0) and int32 bias (scale x_scale·w_scale, zero
/// point 0) as new initializers; <see cref="Axis"/> is set for per-channel parameters.
/// </summary>
internal sealed record LayerWeights(string Weight, string WeightScale, string WeightZeroPoint, string Bias, string BiasScale, string BiasZeroPoint, int? Axis)
{
    public static LayerWeights Create(GraphEditor graph, QuantizedLayer layer, QuantParams input, QuantizationOptions options)
    {
        var weights = graph.FloatInitializer(layer.Weight)!;
        int? axis = options.PerChannel ? layer.ChannelAxis : null;
        var (quantized, scales) = QuantizationMath.QuantizeWeights(weights, axis, QuantizationMath.WeightLimit(options.ReduceRange));
        string weight = graph.AddInitializer(layer.Weight + "_quantized", quantized);
        string weightScale = graph.AddInitializer(layer.Weight + "_scale", QuantizationMath.ScaleTensor(scales));
        string weightZeroPoint = graph.AddInitializer(layer.Weight + "_zero_point", QuantizationMath.ZeroPoints(DataType.Int8, scales.Length));

        string bias = "", biasScale = "", biasZeroPoint = "";
        if (layer.Bias.Length > 0)
        {
            var floatBias = graph.FloatInitializer(layer.Bias)!;
            var (q, biasScales) = QuantizationMath.QuantizeBias(floatBias.Reshape(new TensorShape(floatBias.ElementCount)), input.Scale, scales);
            bias = graph.AddInitializer(layer.Bias + "_quantized", q);
            biasScale = graph.AddInitializer(layer.Bias + "_scale", QuantizationMath.ScaleTensor(biasScales));
            biasZeroPoint = graph.AddInitializer(layer.Bias + "_zero_point", QuantizationMath.ZeroPoints(DataType.Int32, biasScales.Length));
        }
        return new LayerWeights(weight, weightScale, weightZeroPoint, bias, biasScale, biasZeroPoint, axis);
    }
}

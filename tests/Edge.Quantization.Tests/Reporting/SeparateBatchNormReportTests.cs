using Edge.Onnx.Protos;
using Edge.Quantization.Reporting;
using Edge.Quantization.Tests.Distillation;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Tests.Reporting;

/// <summary>
/// A quantizer that leaves BatchNormalization as a float op after a QDQ Conv: the report must compare
/// the Conv before the fp32 BatchNormalization and its weights unfolded (PyTorch's PTQ folds instead).
/// </summary>
public sealed class SeparateBatchNormReportTests
{
    [Fact]
    public void A_batch_norm_kept_after_the_quantized_conv_is_left_out_of_the_comparison()
    {
        var random = new Random(11);
        var weights = Random(random, -0.5f, 0.5f, 6, 1, 3, 3);
        var bias = Random(random, -0.2f, 0.2f, 6);
        float[] gamma = Random(random, 0.2f, 3f, 6).AsSpan<float>().ToArray();
        var inputs = Fixtures.Slice(Fixtures.SplitInputs("teacher_cnn"), 0, 64);

        var fp32 = Fp32(weights, bias, gamma);
        using var probe = new InferenceSession(GraphImporter.Import(Fp32(weights, bias, gamma, extraOutput: "c")));
        var conv = probe.Run(new Dictionary<string, Tensor> { ["input"] = inputs })["c"].AsSpan<float>().ToArray();
        float low = Math.Min(0, conv.Min()), high = Math.Max(0, conv.Max());
        float scale = (high - low) / 255;
        var quantized = Qdq(weights, bias, gamma, scale, (byte)Math.Round(-low / scale));

        var report = new QuantizationReportBuilder().Build(fp32, quantized, CalibrationBatches.Split("input", inputs, 32));

        var layer = Assert.Single(report.Layers);
        Assert.Equal(LayerScheme.Qdq, layer.Scheme);
        Assert.Equal("c", layer.ReferenceTensor);
        Assert.Equal("cq", layer.QuantizedTensor);
        // Against the BatchNorm-folded weights (gamma up to 3) the SQNR would be near 0 dB.
        Assert.InRange(layer.WeightSqnrDb, 35, 70);
        Assert.InRange(layer.OutputSqnrDb, 25, 70);
    }

    private static ModelProto Fp32(Tensor weights, Tensor bias, float[] gamma, string? extraOutput = null)
    {
        var builder = new TestModelBuilder().Input("input", -1, 1, 8, 8).Output("y");
        if (extraOutput is not null)
            builder.Output(extraOutput);
        AddConvInputs(builder, weights, bias, gamma);
        return builder
            .Node("Conv", ["input", "w", "b"], "c", "", ("kernel_shape", [3, 3]), ("pads", [1, 1, 1, 1]))
            .Node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], "bn")
            .Node("Relu", ["bn"], "y")
            .Build();
    }

    private static ModelProto Qdq(Tensor weights, Tensor bias, float[] gamma, float scale, byte zero)
    {
        var builder = new TestModelBuilder().Input("input", -1, 1, 8, 8).Output("y");
        AddConvInputs(builder, weights, bias, gamma);
        var w = weights.AsSpan<float>();
        float weightScale = w.ToArray().Max(Math.Abs) / 127;
        var q = new sbyte[w.Length];
        for (int i = 0; i < q.Length; i++)
            q[i] = (sbyte)Math.Round(w[i] / weightScale);
        builder.Initializer("w_q", Tensor.FromArray<sbyte>(weights.Shape, q));
        builder.Initializer("w_scale", Tensor.Scalar(weightScale));
        builder.Initializer("w_zero", Tensor.Scalar((sbyte)0));
        builder.Initializer("x_scale", Tensor.Scalar(1f / 255));
        builder.Initializer("x_zero", Tensor.Scalar((byte)0));
        builder.Initializer("c_scale", Tensor.Scalar(scale));
        builder.Initializer("c_zero", Tensor.Scalar(zero));
        return builder
            .Node("QuantizeLinear", ["input", "x_scale", "x_zero"], "xq")
            .Node("DequantizeLinear", ["xq", "x_scale", "x_zero"], "xd")
            .Node("DequantizeLinear", ["w_q", "w_scale", "w_zero"], "wd")
            .Node("Conv", ["xd", "wd", "b"], "c", "", ("kernel_shape", [3, 3]), ("pads", [1, 1, 1, 1]))
            .Node("QuantizeLinear", ["c", "c_scale", "c_zero"], "cq")
            .Node("DequantizeLinear", ["cq", "c_scale", "c_zero"], "cd")
            .Node("BatchNormalization", ["cd", "gamma", "beta", "mean", "var"], "bn")
            .Node("Relu", ["bn"], "y")
            .Build();
    }

    private static void AddConvInputs(TestModelBuilder builder, Tensor weights, Tensor bias, float[] gamma)
    {
        int channels = gamma.Length;
        builder.Initializer("w", weights);
        builder.Initializer("b", bias);
        builder.Initializer("gamma", Tensor.FromArray<float>(new TensorShape(channels), gamma));
        builder.Initializer("beta", Tensor.FromArray<float>(new TensorShape(channels), Enumerable.Repeat(0.1f, channels).ToArray()));
        builder.Initializer("mean", Tensor.FromArray<float>(new TensorShape(channels), Enumerable.Repeat(0.05f, channels).ToArray()));
        builder.Initializer("var", Tensor.FromArray<float>(new TensorShape(channels), Enumerable.Repeat(0.5f, channels).ToArray()));
    }

    private static Tensor Random(Random random, float low, float high, params int[] dims)
    {
        var shape = new TensorShape(dims);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = low + (float)random.NextDouble() * (high - low);
        return Tensor.FromArray<float>(shape, values);
    }
}

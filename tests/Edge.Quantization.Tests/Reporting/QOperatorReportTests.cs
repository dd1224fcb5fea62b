using Edge.Onnx.Protos;
using Edge.Quantization.Reporting;
using Edge.Quantization.Tests.Distillation;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;

namespace Edge.Quantization.Tests.Reporting;

/// <summary>
/// A two-layer CNN and its QOperator form (QuantizeLinear → QLinearConv → QLinearConv → DequantizeLinear),
/// quantized here: per-channel symmetric int8 weights, uint8 activations with ranges from the data.
/// </summary>
public sealed class QOperatorReportTests
{
    private const float InputScale = 1f / 255;

    [Fact]
    public void QOperator_layers_are_read_by_dequantizing_their_outputs()
    {
        var random = new Random(3);
        var w1 = RandomTensor(random, 8, 1, 3, 3);
        var b1 = RandomTensor(random, 8);
        var w2 = RandomTensor(random, 4, 8, 3, 3);
        var b2 = RandomTensor(random, 4);
        var inputs = Fixtures.Slice(Fixtures.SplitInputs("teacher_cnn"), 0, 96);

        // Activation ranges over the calibration data, as a static quantizer would take them.
        using var probe = new InferenceSession(GraphImporter.Import(Fp32(w1, b1, w2, b2, "r1")));
        var ranges = probe.Run(new Dictionary<string, Tensor> { ["input"] = inputs });
        float hiddenScale = ranges["r1"].AsSpan<float>().ToArray().Max() / 255;
        var y = ranges["y"].AsSpan<float>().ToArray();
        float low = Math.Min(0, y.Min()), high = Math.Max(0, y.Max());
        float outputScale = (high - low) / 255;
        byte outputZero = (byte)Math.Round(-low / outputScale);

        var fp32 = Fp32(w1, b1, w2, b2);
        var quantized = QOperator(w1, b1, w2, b2, hiddenScale, outputScale, outputZero);
        var report = new QuantizationReportBuilder().Build(fp32, quantized, CalibrationBatches.Split("input", inputs, 32));

        Assert.Equal(2, report.Layers.Count);
        Assert.All(report.Layers, l => Assert.Equal(LayerScheme.QOperator, l.Scheme));
        Assert.All(report.Layers, l => Assert.Equal("QLinearConv", l.QuantizedOpType));
        Assert.Equal([8, 4], report.Layers.Select(l => l.WeightScale!.Count));
        // The first layer's zero point sits at 0 of uint8: the quantizer clamps negatives, so its reading includes the Relu.
        Assert.Equal(["r1", "y"], report.Layers.Select(l => l.ReferenceTensor));
        Assert.Equal(["q1", "q2"], report.Layers.Select(l => l.QuantizedTensor));
        Assert.Equal(hiddenScale, report.Layers[0].OutputScale!.Value, 1e-9);
        Assert.Equal(0, report.Layers[0].OutputZeroPoint);
        Assert.Equal(outputZero, report.Layers[1].OutputZeroPoint);
        Assert.All(report.Layers, l => Assert.InRange(l.WeightSqnrDb, 35, 70));
        Assert.All(report.Layers, l => Assert.InRange(l.OutputSqnrDb, 25, 70));
        Assert.InRange(report.Layers[0].InputSqnrDb, 35, 80);

        // ONNX Runtime runs the same QOperator model: the same whole-model SQNR.
        var x = Fixtures.RunOrt(fp32.ToByteArray(), inputs);
        var q = Fixtures.RunOrt(quantized.ToByteArray(), inputs);
        double signal = x.Sum(v => (double)v * v), noise = x.Zip(q, (a, b) => ((double)a - b) * (a - b)).Sum();
        Assert.Equal(10 * Math.Log10(signal / noise), report.Outputs[0].SqnrDb, 0.05);
    }

    private static ModelProto Fp32(Tensor w1, Tensor b1, Tensor w2, Tensor b2, string? extraOutput = null)
    {
        var builder = new TestModelBuilder().Input("input", -1, 1, 8, 8).Output("y");
        if (extraOutput is not null)
            builder.Output(extraOutput);
        builder.Initializer("w1", w1);
        builder.Initializer("b1", b1);
        builder.Initializer("w2", w2);
        builder.Initializer("b2", b2);
        return builder
            .Node("Conv", ["input", "w1", "b1"], "c1", "", ("kernel_shape", [3, 3]), ("pads", [1, 1, 1, 1]))
            .Node("Relu", ["c1"], "r1")
            .Node("Conv", ["r1", "w2", "b2"], "y", "", ("kernel_shape", [3, 3]), ("pads", [1, 1, 1, 1]))
            .Build();
    }

    private static ModelProto QOperator(Tensor w1, Tensor b1, Tensor w2, Tensor b2, float hiddenScale, float outputScale, byte outputZero)
    {
        var builder = new TestModelBuilder().Input("input", -1, 1, 8, 8).Output("y");
        builder.Initializer("x_scale", Tensor.Scalar(InputScale));
        builder.Initializer("x_zero", Tensor.Scalar((byte)0));
        builder.Initializer("h_scale", Tensor.Scalar(hiddenScale));
        builder.Initializer("h_zero", Tensor.Scalar((byte)0));
        builder.Initializer("y_scale", Tensor.Scalar(outputScale));
        builder.Initializer("y_zero", Tensor.Scalar(outputZero));
        QuantizeWeights(builder, "w1", w1, b1, InputScale);
        QuantizeWeights(builder, "w2", w2, b2, hiddenScale);
        return builder
            .Node("QuantizeLinear", ["input", "x_scale", "x_zero"], "xq")
            .Node("QLinearConv", ["xq", "x_scale", "x_zero", "w1_q", "w1_scale", "w1_zero", "h_scale", "h_zero", "w1_bias"], "q1", "",
                ("kernel_shape", [3, 3]), ("pads", [1, 1, 1, 1]))
            .Node("QLinearConv", ["q1", "h_scale", "h_zero", "w2_q", "w2_scale", "w2_zero", "y_scale", "y_zero", "w2_bias"], "q2", "",
                ("kernel_shape", [3, 3]), ("pads", [1, 1, 1, 1]))
            .Node("DequantizeLinear", ["q2", "y_scale", "y_zero"], "y")
            .Build();
    }

    /// <summary>Symmetric per-output-channel int8 weights and the int32 bias in units of input scale × weight scale.</summary>
    private static void QuantizeWeights(TestModelBuilder builder, string name, Tensor weights, Tensor bias, float inputScale)
    {
        int channels = weights.Shape[0], perChannel = weights.ElementCount / channels;
        var w = weights.AsSpan<float>();
        var scales = new float[channels];
        var quantized = new sbyte[w.Length];
        var biasQ = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            float max = 0;
            for (int i = 0; i < perChannel; i++)
                max = Math.Max(max, Math.Abs(w[c * perChannel + i]));
            scales[c] = max / 127;
            for (int i = 0; i < perChannel; i++)
                quantized[c * perChannel + i] = (sbyte)Math.Clamp(Math.Round(w[c * perChannel + i] / scales[c]), -127, 127);
            biasQ[c] = (int)Math.Round(bias.AsSpan<float>()[c] / (inputScale * scales[c]));
        }
        builder.Initializer(name + "_q", Tensor.FromArray<sbyte>(weights.Shape, quantized));
        builder.Initializer(name + "_scale", Tensor.FromArray<float>(new TensorShape(channels), scales));
        builder.Initializer(name + "_zero", Tensor.FromArray<sbyte>(new TensorShape(channels), new sbyte[channels]));
        builder.Initializer(name + "_bias", Tensor.FromArray<int>(new TensorShape(channels), biasQ));
    }

    private static Tensor RandomTensor(Random random, params int[] dims)
    {
        var shape = new TensorShape(dims);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() - 0.5);
        return Tensor.FromArray<float>(shape, values);
    }
}

using Edge.Onnx.Protos;
using Edge.Quantization.Reporting;
using Edge.Quantization.Tests.Distillation;
using Edge.Runtime;
using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using Ort = Microsoft.ML.OnnxRuntime;

namespace Edge.Quantization.Tests.Reporting;

public sealed class QuantizationReportTests
{
    private const int Samples = 128;

    private static QuantizationReport Report(ModelProto quantized) =>
        new QuantizationReportBuilder { Fp32Name = "teacher_cnn", QuantizedName = "ptq" }
            .Build(Fixtures.ReadModel("teacher_cnn"), quantized, Calibration());

    private static IEnumerable<IReadOnlyDictionary<string, Tensor>> Calibration() =>
        CalibrationBatches.Split("input", Fixtures.SplitInputs("teacher_cnn"), batchSize: 32, maxSamples: Samples);

    [Fact]
    public void Per_channel_ptq_of_the_teacher_has_five_matched_layers_with_sane_sqnr_and_sizes()
    {
        var report = Report(Fixtures.ReadModel("ptq_per_channel"));

        Assert.Equal(Samples, report.CalibrationSamples);
        Assert.Empty(report.Notes);
        Assert.Equal(["/conv1/Conv", "/conv2/Conv", "/conv3/Conv", "/fc1/Gemm", "/fc2/Gemm"], report.Layers.Select(l => l.Name));
        Assert.Equal(["Conv", "Conv", "Conv", "Gemm", "Gemm"], report.Layers.Select(l => l.QuantizedOpType));
        Assert.All(report.Layers, l => Assert.Equal(LayerScheme.Qdq, l.Scheme));
        Assert.All(report.Layers, l => Assert.Equal("int8", l.WeightType));
        Assert.Equal([16, 32, 32, 64, 10], report.Layers.Select(l => l.WeightScale!.Count));
        Assert.All(report.Layers, l => Assert.Equal(0, l.WeightZeroPoint!.Max));
        Assert.All(report.Layers, l => Assert.InRange(l.OutputSqnrDb, 20, 70));
        // Weights compare against the fp32 weights with BatchNormalization folded in, as the quantizer saw them.
        Assert.All(report.Layers, l => Assert.InRange(l.WeightSqnrDb, 30, 70));
        Assert.All(report.Layers, l => Assert.NotNull(l.OutputScale));
        Assert.Equal(1.0, report.Layers.Sum(l => l.ErrorShare), 1e-9);

        Assert.Equal(new FileInfo(Fixtures.Model("teacher_cnn")).Length, report.Sizes.Fp32Bytes);
        Assert.Equal(new FileInfo(Fixtures.Model("ptq_per_channel")).Length, report.Sizes.QuantizedBytes);
        // 22,800 weights: 4 bytes each in fp32; 1 byte each plus a float scale and an int8 zero point per channel in int8.
        Assert.Equal(22_800 * 4, report.Sizes.Fp32WeightBytes);
        Assert.Equal(22_800 + (16 + 32 + 32 + 64 + 10) * 5, report.Sizes.QuantizedWeightBytes);

        var logits = Assert.Single(report.Outputs);
        Assert.InRange(logits.SqnrDb, 20, 70);
        Assert.InRange(logits.Top1Agreement!.Value, 0.97, 1.0);
    }

    [Fact]
    public void Layer_and_output_sqnr_agree_with_onnx_runtime_reading_the_same_tensors()
    {
        var quantized = Fixtures.ReadModel("ptq_per_channel");
        var report = Report(quantized);
        var inputs = Fixtures.Slice(Fixtures.SplitInputs("teacher_cnn"), 0, Samples);

        // ORT's own reading: the fp32 tensors, and the DequantizeLinear that follows each layer's QuantizeLinear (through the Cast).
        var quantizedReadings = report.Layers.Select(l => DequantizedAfter(quantized, l.QuantizedTensor)).ToList();
        var reference = RunOrt(Fixtures.ReadModel("teacher_cnn"), inputs, report.Layers.Select(l => l.ReferenceTensor).ToList());
        var approximation = RunOrt(quantized, inputs, quantizedReadings);
        for (int i = 0; i < report.Layers.Count; i++)
        {
            double sqnr = Sqnr(reference[i], approximation[i]);
            // Edge runs the fused int8 kernels, ORT its own: they may differ by one quantization step on a few elements.
            Assert.True(Math.Abs(sqnr - report.Layers[i].OutputSqnrDb) < 0.5,
                $"layer {report.Layers[i].Name}: report {report.Layers[i].OutputSqnrDb:0.00} dB, ORT reading {sqnr:0.00} dB");
        }
        var logits = Sqnr(RunOrt(Fixtures.ReadModel("teacher_cnn"), inputs, ["logits"])[0], RunOrt(quantized, inputs, ["logits"])[0]);
        Assert.True(Math.Abs(logits - report.Outputs[0].SqnrDb) < 0.5, $"logits: report {report.Outputs[0].SqnrDb:0.00} dB, ORT {logits:0.00} dB");
    }

    [Fact]
    public void A_weight_scale_times_ten_makes_its_layer_the_worst()
    {
        var (broken, consumer) = ModelSurgery.ScaleWeight(Fixtures.ReadModel("ptq_per_channel"), weightIndex: 2, factor: 10);
        var report = Report(broken);

        var worst = report.LayersByError[0];
        Assert.Equal(consumer, worst.QuantizedName);
        Assert.Equal("/conv3/Conv", worst.Name);
        Assert.True(worst.ErrorShare > 0.5, $"share {worst.ErrorShare:P1}");
        Assert.True(worst.OutputSqnrDb < 10, $"output SQNR {worst.OutputSqnrDb:0.0} dB");
        Assert.Equal(worst, report.Layers.MinBy(l => l.WeightSqnrDb));
        Assert.Equal(report.Layers.Max(l => l.WeightScale!.Max), worst.WeightScale!.Max);
    }

    [Fact]
    public void Per_tensor_ptq_reports_one_scale_per_layer()
    {
        var report = Report(Fixtures.ReadModel("ptq_per_tensor"));
        Assert.Equal(5, report.Layers.Count);
        Assert.All(report.Layers, l => Assert.Equal(1, l.WeightScale!.Count));
        Assert.All(report.Layers, l => Assert.InRange(l.OutputSqnrDb, 20, 70));
        Assert.Equal(new FileInfo(Fixtures.Model("ptq_per_tensor")).Length, report.Sizes.QuantizedBytes);
    }

    [Fact]
    public void Reading_layer_outputs_keeps_the_int8_fusions_of_the_quantized_model()
    {
        var model = Fixtures.ReadModel("ptq_per_channel");
        var index = new GraphIndex(GraphImporter.Import(model));
        var sites = LayerLocator.Find(index);
        var taps = sites.SelectMany(s => new[] { s.Tap, s.InputTap! }).Select(t => (t.Tensor, t.Type));
        using var session = new TapSession(model, taps, "quantized");
        Assert.Equal(3, session.Graph.Nodes.Count(n => n.OpType == "QLinearConv"));
        Assert.Equal(2, session.Graph.Nodes.Count(n => n.OpType == "QGemm"));
        Assert.DoesNotContain(session.Graph.Nodes, n => n.OpType is "Conv" or "Gemm");
    }

    [Fact]
    public void Models_of_different_architectures_are_refused()
    {
        var e = Assert.Throws<ModelException>(() => new QuantizationReportBuilder().Build(Fixtures.ReadModel("teacher_cnn"), Fixtures.ReadModel("dynamic_mlp"), Calibration()));
        Assert.Contains("not the same architecture", e.Message);
    }

    [Fact]
    public void Stacked_samples_feed_the_single_input_in_batches()
    {
        var report = new QuantizationReportBuilder().Build(Fixtures.ReadModel("teacher_cnn"), Fixtures.ReadModel("ptq_per_tensor"),
            Fixtures.SplitInputs("teacher_cnn"), batchSize: 40, maxSamples: 100);
        Assert.Equal(100, report.CalibrationSamples);
        Assert.Equal(5, report.Layers.Count);
    }

    [Fact]
    public void A_report_needs_calibration_data()
    {
        Assert.Throws<ArgumentException>(() => new QuantizationReportBuilder().Build(Fixtures.ReadModel("teacher_cnn"), Fixtures.ReadModel("ptq_per_channel"), []));
    }

    /// <summary>The float tensor a QuantizeLinear output turns into: Q → (Cast) → DequantizeLinear.</summary>
    private static string DequantizedAfter(ModelProto model, string quantized)
    {
        var next = model.Graph.Node.First(n => n.Input.Contains(quantized));
        if (next.OpType == "Cast")
            next = model.Graph.Node.First(n => n.Input.Contains(next.Output[0]));
        Assert.Equal("DequantizeLinear", next.OpType);
        return next.Output[0];
    }

    private static List<float[]> RunOrt(ModelProto model, Tensor input, IReadOnlyList<string> outputs)
    {
        var copy = model.Clone();
        foreach (string name in outputs.Where(o => copy.Graph.Output.All(g => g.Name != o)))
            copy.Graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        using var options = new Ort.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Ort.InferenceSession(copy.ToByteArray(), options);
        using var value = Ort.OrtValue.CreateTensorValueFromMemory(input.AsSpan<float>().ToArray(), input.Shape.Dims.ToArray().Select(d => (long)d).ToArray());
        using var results = session.Run(new Ort.RunOptions(), new Dictionary<string, Ort.OrtValue> { ["input"] = value }, outputs.ToArray());
        return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToList();
    }

    private static double Sqnr(float[] x, float[] y)
    {
        double signal = 0, noise = 0;
        for (int i = 0; i < x.Length; i++)
        {
            signal += (double)x[i] * x[i];
            noise += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
        }
        return 10 * Math.Log10(signal / noise);
    }
}

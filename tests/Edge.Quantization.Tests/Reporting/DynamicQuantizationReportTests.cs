using Edge.Onnx.Protos;
using Edge.Quantization.Reporting;
using Edge.Quantization.Tests.Distillation;
using Edge.Runtime.Tensors;
using Google.Protobuf;

namespace Edge.Quantization.Tests.Reporting;

public sealed class DynamicQuantizationReportTests
{
    [Fact]
    public void Dynamic_mlp_against_an_fp32_twin_reports_three_dynamic_layers()
    {
        var dynamic = Fixtures.ReadModel("dynamic_mlp");
        var twin = Fp32Twin(dynamic);
        var inputs = Fixtures.SplitInputs("dynamic_mlp");
        var report = new QuantizationReportBuilder().Build(twin, dynamic, CalibrationBatches.Split("input", inputs, 50, 100));

        Assert.Empty(report.Notes);
        Assert.Equal(3, report.Layers.Count);
        Assert.All(report.Layers, l => Assert.Equal(LayerScheme.Dynamic, l.Scheme));
        Assert.Equal(["Gemm", "MatMul", "MatMul"], report.Layers.Select(l => l.OpType));
        Assert.Equal(["MatMulInteger", "MatMulInteger", "MatMulInteger"], report.Layers.Select(l => l.QuantizedOpType));
        Assert.Equal([1, 64, 1], report.Layers.Select(l => l.WeightScale!.Count));
        // The quantized model's float results are the outputs of the bias Adds it kept the names of.
        Assert.Equal(["fc1.output", "fc2.output", "logits"], report.Layers.Select(l => l.QuantizedTensor));
        Assert.Equal(["fc1_gemm", "fc2_bias", "logits"], report.Layers.Select(l => l.ReferenceTensor));
        // The twin's weights are exactly the dequantized int8 weights: all the error is in the activations.
        Assert.All(report.Layers, l => Assert.True(l.WeightSqnrDb > 100, $"{l.Name}: weight SQNR {l.WeightSqnrDb}"));
        Assert.All(report.Layers, l => Assert.Null(l.OutputScale));
        Assert.True(double.IsPositiveInfinity(report.Layers[0].InputSqnrDb)); // the model input is not quantized ahead of the layer
        Assert.All(report.Layers, l => Assert.InRange(l.OutputSqnrDb, 20, 80));
        Assert.InRange(report.Outputs[0].Top1Agreement!.Value, 0.97, 1.0);

        // Independent reading of the whole-model error: ONNX Runtime runs both models.
        var sample = Fixtures.Slice(inputs, 0, 100);
        var x = Fixtures.RunOrt(twin.ToByteArray(), sample);
        var y = Fixtures.RunOrt(dynamic.ToByteArray(), sample);
        double signal = x.Sum(v => (double)v * v), noise = x.Zip(y, (a, b) => ((double)a - b) * (a - b)).Sum();
        Assert.Equal(10 * Math.Log10(signal / noise), report.Outputs[0].SqnrDb, 0.1);
    }

    /// <summary>
    /// dynamic_mlp with every MatMulInteger chain replaced by float ops on its dequantized weights:
    /// fc1 as Gemm with transposed weights (transB=1), fc2 and fc3 as MatMul + Add.
    /// </summary>
    private static ModelProto Fp32Twin(ModelProto dynamic)
    {
        var graph = dynamic.Graph;
        float[] Floats(string name) => TensorProtoConverter.ToTensor(graph.Initializer.Single(t => t.Name == name), name).ToDoubleArray().Select(v => (float)v).ToArray();
        long[] Ints(string name) => TensorProtoConverter.ToTensor(graph.Initializer.Single(t => t.Name == name), name).ToInt64Array();
        Tensor Weights(string layer, out int k, out int n)
        {
            var proto = graph.Initializer.Single(t => t.Name == layer + ".weight_quantized");
            k = (int)proto.Dims[0];
            n = (int)proto.Dims[1];
            var q = Ints(layer + ".weight_quantized");
            var scale = Floats(layer + ".weight_scale");
            var zero = Ints(layer + ".weight_zero_point");
            var w = new float[k * n];
            for (int i = 0; i < w.Length; i++)
            {
                int column = i % n;
                w[i] = (q[i] - zero[zero.Length == 1 ? 0 : column]) * scale[scale.Length == 1 ? 0 : column];
            }
            return Tensor.FromArray<float>(new TensorShape(k, n), w);
        }

        var builder = new TestModelBuilder().Input("input", -1, 64).Output("logits");
        var fc1 = Weights("fc1", out int k1, out int n1);
        var transposed = new float[k1 * n1];
        for (int r = 0; r < k1; r++)
            for (int c = 0; c < n1; c++)
                transposed[c * k1 + r] = fc1.AsSpan<float>()[r * n1 + c];
        builder.Initializer("fc1.w", Tensor.FromArray<float>(new TensorShape(n1, k1), transposed));
        builder.Initializer("fc1.b", Tensor.FromArray<float>(new TensorShape(n1), Floats("fc1.bias")));
        builder.Node("Gemm", ["input", "fc1.w", "fc1.b"], "fc1_gemm", "", ("transB", [1]));
        builder.Node("Relu", ["fc1_gemm"], "relu1");
        builder.Initializer("fc2.w", Weights("fc2", out _, out int n2));
        builder.Initializer("fc2.b", Tensor.FromArray<float>(new TensorShape(n2), Floats("fc2.bias")));
        builder.Node("MatMul", ["relu1", "fc2.w"], "fc2_matmul").Node("Add", ["fc2_matmul", "fc2.b"], "fc2_bias").Node("Relu", ["fc2_bias"], "relu2");
        builder.Initializer("fc3.w", Weights("fc3", out _, out int n3));
        builder.Initializer("fc3.b", Tensor.FromArray<float>(new TensorShape(n3), Floats("fc3.bias")));
        builder.Node("MatMul", ["relu2", "fc3.w"], "fc3_matmul").Node("Add", ["fc3_matmul", "fc3.b"], "logits");
        return builder.Build();
    }
}

using Edge.Runtime.Operators.NN;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.NN.NodeHarness;

namespace Edge.Runtime.Tests.Operators.NN;

public sealed class NormalizationOperatorTests
{
    [Fact]
    public void BatchNormalizationTrainingModeFailsClearly()
    {
        var node = Node("BatchNormalization", 5, opset: 15, attributes: ("training_mode", Int(1)));
        var inputs = new Tensor?[] { Tensor.Allocate(DataType.Float32, new TensorShape(1, 2, 3)) }.Concat(Enumerable.Range(0, 4).Select(_ => Tensor.Allocate(DataType.Float32, new TensorShape(2)))).ToArray();
        var e = Assert.Throws<ModelException>(() => Prepare(new BatchNormalizationOperator(), node, inputs));
        Assert.Contains("node 'n1' (BatchNormalization", e.Message);
        Assert.Contains("training_mode", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNormalizationMatchesDefinition(bool constantParameters)
    {
        var random = new Random(5);
        var x = Random(random, 2, 3, 11);
        var scale = Random(random, 3);
        var bias = Random(random, 3);
        var mean = Random(random, 3);
        var variance = Tensor.FromArray<float>(new TensorShape(3), [0.5f, 1.5f, 0.01f]);
        var y = Run(new BatchNormalizationOperator(), Node("BatchNormalization", 5, opset: 15, attributes: ("epsilon", Float(1e-3f))),
            [x, scale, bias, mean, variance], [false, constantParameters, constantParameters, constantParameters, constantParameters])[0];
        var xs = x.AsSpan<float>();
        var expected = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            int c = i / 11 % 3;
            expected[i] = (xs[i] - mean.AsSpan<float>()[c]) / Math.Sqrt(variance.AsSpan<float>()[c] + 1e-3) * scale.AsSpan<float>()[c] + bias.AsSpan<float>()[c];
        }
        AssertClose(expected, y.AsSpan<float>());
    }

    [Fact]
    public void LayerNormalizationWritesMeanAndInverseStandardDeviation()
    {
        var random = new Random(6);
        var x = Random(random, 2, 3, 4, 5);
        var scale = Random(random, 4, 5);
        var node = Node("LayerNormalization", 2, outputs: 3, attributes: [("axis", Int(-2)), ("epsilon", Float(1e-2f))]);
        var outputs = Run(new LayerNormalizationOperator(), node, [x, scale]);
        Assert.Equal(new TensorShape(2, 3, 1, 1), outputs[1].Shape);
        Assert.Equal(new TensorShape(2, 3, 1, 1), outputs[2].Shape);
        var xs = x.AsSpan<float>();
        var expected = new double[xs.Length];
        for (int r = 0; r < 6; r++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < 20; i++) mean += xs[r * 20 + i];
            mean /= 20;
            for (int i = 0; i < 20; i++) variance += (xs[r * 20 + i] - mean) * (xs[r * 20 + i] - mean);
            double inverse = 1 / Math.Sqrt(variance / 20 + 1e-2);
            Assert.Equal(mean, outputs[1].AsSpan<float>()[r], 4);
            Assert.Equal(inverse, outputs[2].AsSpan<float>()[r], 3);
            for (int i = 0; i < 20; i++)
                expected[r * 20 + i] = (xs[r * 20 + i] - mean) * inverse * scale.AsSpan<float>()[i];
        }
        AssertClose(expected, outputs[0].AsSpan<float>());
    }

    [Fact]
    public void LayerNormalizationBelowOpset17IsNotClaimed()
    {
        Assert.Equal(17, new LayerNormalizationOperator().MinOpset);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void SoftmaxAndLogSoftmaxMatchDefinitionOnAnyAxis(int axis)
    {
        var random = new Random(axis + 10);
        var x = Random(random, 3, 17, 9);
        var xs = x.AsSpan<float>();
        for (int i = 0; i < xs.Length; i++)
            xs[i] = xs[i] * 40 + (i % 3 == 0 ? 1000 : 0);
        var softmax = Run(new SoftmaxOperator(), Node("Softmax", 1, opset: 13, attributes: ("axis", Int(axis))), [x])[0];
        var logSoftmax = Run(new LogSoftmaxOperator(), Node("LogSoftmax", 1, opset: 13, attributes: ("axis", Int(axis))), [x])[0];
        var (expected, expectedLog) = Reference(x, axis < 0 ? axis + 3 : axis);
        AssertClose(expected, softmax.AsSpan<float>());
        AssertClose(expectedLog, logSoftmax.AsSpan<float>());
    }

    [Theory]
    [InlineData(2, 300, 17)]
    [InlineData(1, 5, 70)]
    [InlineData(1, 3, 1)]
    public void SoftmaxOfManyRowsAlongTheLastAxisMatchesDefinition(int batches, int rows, int length)
    {
        // 600 rows of 17 cross the short-row path's chunks; rows of 70 take the row-at-a-time path.
        var random = new Random(rows + length);
        var x = Random(random, batches, rows, length);
        var xs = x.AsSpan<float>();
        for (int i = 0; i < xs.Length; i++)
            xs[i] = xs[i] * 30 + (i % 5 == 0 ? -500 : 0);
        var softmax = Run(new SoftmaxOperator(), Node("Softmax", 1, opset: 13, attributes: ("axis", Int(-1))), [x])[0];
        AssertClose(Reference(x, 2).Softmax, softmax.AsSpan<float>());
    }

    [Fact]
    public void SoftmaxAxisOutOfRangeFailsNamingTheNode()
    {
        var e = Assert.Throws<ModelException>(() => Prepare(new SoftmaxOperator(), Node("Softmax", 1, opset: 13, attributes: ("axis", Int(3))), [Tensor.Allocate(DataType.Float32, new TensorShape(2, 3, 4))]));
        Assert.Contains("node 'n1' (Softmax", e.Message);
        Assert.Contains("axis", e.Message);
    }

    private static (double[] Softmax, double[] LogSoftmax) Reference(Tensor x, int axis)
    {
        var shape = x.Shape;
        int outer = shape.SizeBetween(0, axis), n = shape[axis], inner = shape.SizeBetween(axis + 1, shape.Rank);
        var xs = x.AsSpan<float>();
        var y = new double[xs.Length];
        var logY = new double[xs.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int a = 0; a < n; a++) max = Math.Max(max, xs[(o * n + a) * inner + i]);
                for (int a = 0; a < n; a++) sum += Math.Exp(xs[(o * n + a) * inner + i] - max);
                for (int a = 0; a < n; a++)
                {
                    int idx = (o * n + a) * inner + i;
                    y[idx] = Math.Exp(xs[idx] - max) / sum;
                    logY[idx] = xs[idx] - max - Math.Log(sum);
                }
            }
        return (y, logY);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LongRowsSplitAcrossThreadsGiveTheSameBits(bool log)
    {
        // 600 rows of 128 (BERT's attention scores): enough for two threads, whole rows each.
        var x = NodeHarness.Random(new Random(8), 600, 128);
        Runtime.Operators.Operator op = log ? new LogSoftmaxOperator() : new SoftmaxOperator();
        var node = NodeHarness.Node(log ? "LogSoftmax" : "Softmax", 1, attributes: ("axis", NodeHarness.Int(-1)));
        var one = NodeHarness.Run(op, node, [x], threads: 1)[0].AsSpan<float>().ToArray();
        var two = NodeHarness.Run(op, node, [x], threads: 2)[0].AsSpan<float>().ToArray();
        Assert.Equal(one, two);
        Assert.DoesNotContain(one, float.IsNaN);
    }
}

using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Operators;

namespace Edge.Runtime.Tests.Backends.Cpu.Kernels;

public sealed class FloatGemmTests
{
    public static TheoryData<FloatGemmVariant> Variants()
    {
        var data = new TheoryData<FloatGemmVariant>();
        foreach (var v in FloatGemm.Supported)
            data.Add(v);
        return data;
    }

    private static readonly (int M, int K, int N)[] Shapes =
    [
        (1, 1, 1), (1, 17, 3), (3, 1, 17), (6, 16, 16), (7, 63, 65), (17, 3, 1), (65, 300, 33), (1, 513, 63), (2, 257, 129), (13, 64, 1), (60, 40, 64),
    ];

    [Theory]
    [MemberData(nameof(Variants))]
    public void PackedMultiplyMatchesReferenceOnOddShapes(FloatGemmVariant variant)
    {
        var random = new Random(1);
        foreach (var (m, k, n) in Shapes)
        {
            var a = RandomValues(random, m * k);
            var b = RandomValues(random, k * n);
            var bias = RandomValues(random, n);
            var expected = Reference(a, m, k, k, 1, b, n, n, 1, bias, false, FloatActivation.None);
            var actual = new float[m * n];
            FloatGemm.Multiply(a, m, PackedFloatMatrix.Pack(b, k, n, variant: variant), actual, bias);
            AssertClose(expected, actual, $"{variant} {m}x{k}x{n}");
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TransposedOperandsAndTransposedOutputMatchReference(FloatGemmVariant variant)
    {
        var random = new Random(2);
        foreach (var (m, k, n) in Shapes)
        {
            var aT = RandomValues(random, k * m);
            var bT = RandomValues(random, n * k);
            // A stored K×M, B stored N×K, C written N×M; bias per column or per row, clamped.
            foreach (bool perRow in new[] { false, true })
            {
                var bias = RandomValues(random, perRow ? m : n);
                var activation = FloatActivation.Clip(-0.5f, 0.5f);
                var expected = Reference(aT, m, k, 1, m, bT, n, 1, k, bias, perRow, activation);
                var actual = new float[m * n];
                FloatGemm.Multiply(aT, m, 1, m, PackedFloatMatrix.Pack(bT, k, n, transposed: true, variant: variant), actual, 1, m, bias, perRow, activation, ParallelRunner.Sequential);
                AssertClose(Transpose(expected, m, n), actual, $"{variant} perRow={perRow} {m}x{k}x{n}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RuntimeBMatchesReferenceForBothLayouts(FloatGemmVariant variant)
    {
        var random = new Random(3);
        foreach (var (m, k, n) in Shapes)
        {
            var a = RandomValues(random, m * k);
            var b = RandomValues(random, k * n);
            foreach (bool transB in new[] { false, true })
            {
                int rs = transB ? 1 : n, cs = transB ? k : 1;
                var expected = Reference(a, m, k, k, 1, b, n, rs, cs, [], false, FloatActivation.None);
                var actual = new float[m * n];
                FloatGemm.Multiply(a, m, k, k, 1, b, n, rs, cs, actual, n, 1, [], false, FloatActivation.None, ParallelRunner.Sequential, variant);
                AssertClose(expected, actual, $"{variant} transB={transB} {m}x{k}x{n}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void FusedActivationsAndRowBiasAreApplied(FloatGemmVariant variant)
    {
        var random = new Random(4);
        foreach (var activation in new[] { FloatActivation.Relu, FloatActivation.Clip(-0.5f, 0.75f) })
            foreach (var (m, k, n) in Shapes)
            {
                var a = RandomValues(random, m * k);
                var b = RandomValues(random, k * n);
                var rowBias = RandomValues(random, m);
                var expected = Reference(a, m, k, k, 1, b, n, n, 1, rowBias, true, activation);
                var actual = new float[m * n];
                FloatGemm.Multiply(a, m, k, 1, PackedFloatMatrix.Pack(b, k, n, variant: variant), actual, n, 1, rowBias, true, activation, ParallelRunner.Sequential);
                AssertClose(expected, actual, $"{variant} {activation} {m}x{k}x{n}");
                Assert.All(actual, v => Assert.InRange(v, activation.Min, activation.Max));
            }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ThreadedLargeMultiplyMatchesReference(FloatGemmVariant variant)
    {
        var random = new Random(5);
        var parallel = new ParallelRunner(3);
        foreach (var (m, k, n) in new[] { (100, 300, 130), (1, 2048, 2100), (7, 700, 1000) })
        {
            var a = RandomValues(random, m * k);
            var b = RandomValues(random, k * n);
            var bias = RandomValues(random, n);
            var expected = Reference(a, m, k, k, 1, b, n, n, 1, bias, false, FloatActivation.Relu);
            var actual = new float[m * n];
            FloatGemm.Multiply(a, m, PackedFloatMatrix.Pack(b, k, n, variant: variant), actual, bias, FloatActivation.Relu, parallel);
            AssertClose(expected, actual, $"{variant} {m}x{k}x{n}");
        }
    }

    [Fact]
    public void EmptyDepthGivesBiasThroughActivation()
    {
        foreach (var variant in FloatGemm.Supported)
        {
            var actual = new float[6];
            FloatGemm.Multiply([], 2, PackedFloatMatrix.Pack([], 0, 3, variant: variant), actual, [1f, -2f, 3f], FloatActivation.Relu);
            Assert.Equal([1f, 0f, 3f, 1f, 0f, 3f], actual);
        }
    }

    [Fact]
    public void TooShortOperandsAreRejected()
    {
        var b = PackedFloatMatrix.Pack(new float[12], 3, 4);
        Assert.Throws<ArgumentException>(() => FloatGemm.Multiply(new float[5], 2, b, new float[8]));
        Assert.Throws<ArgumentException>(() => FloatGemm.Multiply(new float[6], 2, b, new float[7]));
    }

    private static float[] Reference(float[] a, int m, int k, int ars, int acs, float[] b, int n, int brs, int bcs, float[] bias, bool perRow, FloatActivation activation)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = bias.Length == 0 ? 0 : perRow ? bias[i] : bias[j];
                for (int p = 0; p < k; p++)
                    sum += (double)a[i * ars + p * acs] * b[p * brs + j * bcs];
                c[i * n + j] = activation.Apply((float)sum);
            }
        return c;
    }

    private static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[j * rows + i] = x[i * cols + j];
        return t;
    }

    private static float[] RandomValues(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-4 + 1e-4 * Math.Abs(expected[i]);
            if (Math.Abs(expected[i] - actual[i]) > tolerance)
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]}");
        }
    }
}

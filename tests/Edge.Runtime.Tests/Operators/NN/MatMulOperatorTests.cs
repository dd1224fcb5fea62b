using Edge.Runtime.Operators.NN;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.NN.NodeHarness;

namespace Edge.Runtime.Tests.Operators.NN;

public sealed class MatMulOperatorTests
{
    public static TheoryData<int[], int[], int[]> Cases() => new()
    {
        { [4, 6], [6, 3], [4, 3] },
        { [6], [6, 3], [3] },
        { [4, 6], [6], [4] },
        { [6], [6], [] },
        { [2, 3, 4, 6], [6, 5], [2, 3, 4, 5] },
        { [2, 1, 4, 6], [3, 6, 5], [2, 3, 4, 5] },
        { [4, 6], [2, 6, 5], [2, 4, 5] },
        { [6], [2, 6, 5], [2, 5] },
        { [2, 4, 6], [6], [2, 4] },
        { [1, 7, 33], [1, 33, 65], [1, 7, 65] },
        // Attention-sized batched products (the unpacked small-product path): 16-, 8- and 1-column strips, row tails.
        { [2, 2, 17, 16], [2, 2, 16, 17], [2, 2, 17, 17] },
        { [2, 7, 9], [2, 9, 27], [2, 7, 27] },
        { [3, 5, 4], [3, 4, 8], [3, 5, 8] },
    };

    public static TheoryData<int[], int[]> BiasCases() => new()
    {
        { [2, 5, 7], [7, 19] },
        { [3, 17, 32], [32, 96] },
        { [2, 3, 9, 33], [33, 65] },
    };

    [Theory]
    [MemberData(nameof(BiasCases))]
    public void BiasInputIsAddedToEveryRow(int[] aDims, int[] bDims)
    {
        var random = new Random(aDims.Length * 31 + bDims[1]);
        var a = Random(random, aDims);
        var b = Random(random, bDims);
        var bias = Random(random, bDims[1]);
        int[] outDims = [.. aDims[..^1], bDims[1]];
        var expected = Reference(a, b, new TensorShape(outDims));
        var biasValues = bias.AsSpan<float>();
        for (int i = 0; i < expected.Length; i++)
            expected[i] += biasValues[i % bDims[1]];
        foreach (bool constant in new[] { true, false })
        {
            var y = Run(new MatMulOperator(), Node("MatMul", 3), [a, b, bias], [false, constant, true])[0];
            Assert.Equal(new TensorShape(outDims), y.Shape);
            AssertClose(expected, y.AsSpan<float>());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AlphaScalesTheProductBeforeTheBias(bool withBias)
    {
        // [2,2,5,7]·[2,2,7,19] takes the small-product path, [3,17,32]·[32,96] the GEMM (packed when constant).
        foreach (var (aDims, bDims) in new (int[], int[])[] { ([2, 2, 5, 7], [2, 2, 7, 19]), ([3, 17, 32], [32, 96]) })
        {
            bool bias = withBias && bDims.Length == 2;
            var random = new Random(aDims[^1] + bDims[^1]);
            var a = Random(random, aDims);
            var b = Random(random, bDims);
            var biasValues = Random(random, bDims[^1]);
            int[] outDims = [.. aDims[..^1], bDims[^1]];
            var expected = Reference(a, b, new TensorShape(outDims));
            for (int i = 0; i < expected.Length; i++)
                expected[i] = expected[i] * 0.125 + (bias ? biasValues.AsSpan<float>()[i % bDims[^1]] : 0);
            foreach (bool constant in new[] { true, false })
            {
                var node = Node("MatMul", bias ? 3 : 2, attributes: (MatMulOperator.AlphaAttribute, Float(0.125f)));
                var y = Run(new MatMulOperator(), node, bias ? [a, b, biasValues] : [a, b], bias ? [false, constant, true] : [false, constant])[0];
                AssertClose(expected, y.AsSpan<float>());
            }
        }
    }

    [Fact]
    public void BiasOfTheWrongLengthFailsNamingTheNode()
    {
        var e = Assert.Throws<ModelException>(() => Prepare(new MatMulOperator(), Node("MatMul", 3),
            [Tensor.Allocate(DataType.Float32, new TensorShape(2, 3, 4)), Tensor.Allocate(DataType.Float32, new TensorShape(4, 5)),
             Tensor.Allocate(DataType.Float32, new TensorShape(4))]));
        Assert.Contains("node 'n1' (MatMul", e.Message);
        Assert.Contains("bias", e.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNumpySemantics(int[] aDims, int[] bDims, int[] outDims)
    {
        var random = new Random(aDims.Length * 10 + bDims.Length);
        var a = Random(random, aDims);
        var b = Random(random, bDims);
        var expected = Reference(a, b, new TensorShape(outDims));
        foreach (bool constant in new[] { true, false })
        {
            var y = Run(new MatMulOperator(), Node("MatMul", 2), [a, b], [false, constant])[0];
            Assert.Equal(new TensorShape(outDims), y.Shape);
            AssertClose(expected, y.AsSpan<float>());
        }
    }

    [Fact]
    public void IncompatibleBatchesFailNamingTheNode()
    {
        var e = Assert.Throws<ModelException>(() => Prepare(new MatMulOperator(), Node("MatMul", 2),
            [Tensor.Allocate(DataType.Float32, new TensorShape(2, 3, 4)), Tensor.Allocate(DataType.Float32, new TensorShape(3, 4, 5))]));
        Assert.Contains("node 'n1' (MatMul", e.Message);
    }

    /// <summary>numpy.matmul by promoting 1-D operands and indexing broadcast batches directly.</summary>
    private static double[] Reference(Tensor at, Tensor bt, TensorShape output)
    {
        int[] ad = at.Shape.Rank == 1 ? [1, at.Shape[0]] : at.Shape.ToArray();
        int[] bd = bt.Shape.Rank == 1 ? [bt.Shape[0], 1] : bt.Shape.ToArray();
        int m = ad[^2], k = ad[^1], n = bd[^1];
        var aBatch = ad[..^2];
        var bBatch = bd[..^2];
        var batch = Broadcasting.Shape(new TensorShape(aBatch), new TensorShape(bBatch));
        var a = at.AsSpan<float>();
        var b = bt.AsSpan<float>();
        var y = new double[output.ElementCount];
        for (int t = 0; t < batch.ElementCount; t++)
        {
            var index = new int[batch.Rank];
            int rest = t;
            for (int d = batch.Rank - 1; d >= 0; d--) { index[d] = rest % batch[d]; rest /= batch[d]; }
            int aOff = Offset(index, aBatch) * m * k, bOff = Offset(index, bBatch) * k * n;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                        sum += (double)a[aOff + i * k + p] * b[bOff + p * n + j];
                    y[(t * m + i) * n + j] = sum;
                }
        }
        return y;
    }

    private static int Offset(int[] index, int[] dims)
    {
        int offset = 0, shift = index.Length - dims.Length;
        for (int d = 0; d < dims.Length; d++)
            offset = offset * dims[d] + (dims[d] == 1 ? 0 : index[d + shift]);
        return offset;
    }

    [Theory]
    [InlineData(false, 1f)]
    [InlineData(true, 0.125f)]
    public void AttentionSizedBatchesSplitAcrossThreadsGiveTheSameBits(bool withBias, float alpha)
    {
        // 12 heads of 64×32·32×64: enough work that two threads take whole heads each.
        var random = new Random(17);
        var a = NodeHarness.Random(random, 12, 64, 32);
        var b = NodeHarness.Random(random, 12, 32, 64);
        var bias = NodeHarness.Random(random, 64);
        var attributes = alpha == 1f ? [] : new[] { (MatMulOperator.AlphaAttribute, NodeHarness.Float(alpha)) };
        Tensor?[] inputs = withBias ? [a, b, bias] : [a, b];
        var node = NodeHarness.Node("MatMul", inputs.Length, attributes: attributes);

        var one = NodeHarness.Run(new MatMulOperator(), node, inputs, threads: 1)[0].AsSpan<float>().ToArray();
        var two = NodeHarness.Run(new MatMulOperator(), node, inputs, threads: 2)[0].AsSpan<float>().ToArray();

        Assert.Equal(one, two);
        Assert.DoesNotContain(one, float.IsNaN);
    }
}

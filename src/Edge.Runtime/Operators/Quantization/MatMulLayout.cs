using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// MatMul geometry with numpy batch broadcasting (1-D operands promoted and their axis dropped), and
/// B's matrices packed once when B is constant.
/// </summary>
internal sealed class MatMulLayout
{
    private MatMulLayout(int m, int k, int n, int[] aMatrix, int[] bMatrix, TensorShape output, PackedInt8Matrix[]? packed)
    {
        M = m;
        K = k;
        N = n;
        AMatrix = aMatrix;
        BMatrix = bMatrix;
        Output = output;
        Packed = packed;
        SharedB = bMatrix.All(i => i == 0) && aMatrix.Select((v, i) => v == i).All(x => x);
    }

    public int M { get; }

    public int K { get; }

    public int N { get; }

    /// <summary>Per output batch, the index of A's matrix (offset = index·M·K).</summary>
    public int[] AMatrix { get; }

    /// <summary>Per output batch, the index of B's matrix (offset = index·K·N).</summary>
    public int[] BMatrix { get; }

    public int Batches => AMatrix.Length;

    public TensorShape Output { get; }

    /// <summary>B's matrices packed at prepare time, or null when B is computed at run time.</summary>
    public PackedInt8Matrix[]? Packed { get; }

    /// <summary>Whether every batch multiplies the same B, so all of A's rows form one GEMM.</summary>
    public bool SharedB { get; }

    public static MatMulLayout Create(NodeContext context, int aIndex, int bIndex, bool pack)
    {
        var aShape = context.InputShape(aIndex);
        var bShape = context.InputShape(bIndex);
        if (aShape.Rank == 0 || bShape.Rank == 0)
            throw context.Fail("MatMul operands must have rank ≥ 1");
        var a = aShape.Rank == 1 ? new[] { 1, aShape[0] } : aShape.ToArray();
        var b = bShape.Rank == 1 ? new[] { bShape[0], 1 } : bShape.ToArray();
        int m = a[^2], k = a[^1], n = b[^1];
        if (b[^2] != k)
            throw context.Fail($"inner dimensions differ: A {aShape} and B {bShape}");
        var aBatch = new TensorShape(a[..^2]);
        var bBatch = new TensorShape(b[..^2]);
        TensorShape batch;
        try
        {
            batch = Broadcasting.Shape(aBatch, bBatch);
        }
        catch (ArgumentException e)
        {
            throw context.Fail(e.Message);
        }
        int count = batch.ElementCount;
        var aMatrix = new int[count];
        var bMatrix = new int[count];
        var aStrides = Broadcasting.Strides(aBatch, batch);
        var bStrides = Broadcasting.Strides(bBatch, batch);
        var index = new int[batch.Rank];
        for (int i = 0; i < count; i++)
        {
            int ai = 0, bi = 0;
            for (int d = 0; d < batch.Rank; d++)
            {
                ai += index[d] * aStrides[d];
                bi += index[d] * bStrides[d];
            }
            aMatrix[i] = ai;
            bMatrix[i] = bi;
            for (int d = batch.Rank - 1; d >= 0; d--)
            {
                if (++index[d] < batch[d])
                    break;
                index[d] = 0;
            }
        }
        var outDims = batch.ToArray().ToList();
        if (aShape.Rank > 1)
            outDims.Add(m);
        if (bShape.Rank > 1)
            outDims.Add(n);

        PackedInt8Matrix[]? packed = null;
        if (pack && context.InputValue(bIndex) is { } bValue)
        {
            int matrices = bBatch.ElementCount;
            packed = new PackedInt8Matrix[matrices];
            bool signed = bValue.Type == DataType.Int8;
            for (int i = 0; i < matrices; i++)
                packed[i] = PackedInt8Matrix.Pack(bValue.Bytes.Slice(i * k * n, k * n), signed, k, n);
        }
        return new MatMulLayout(m, k, n, aMatrix, bMatrix, new TensorShape([.. outDims]), packed);
    }

    /// <summary>Runs every batch: C (M·N per batch, batches contiguous) = (A − aZero)(B − bZero).</summary>
    public void Multiply(ReadOnlySpan<byte> a, bool aSigned, int aZero, ReadOnlySpan<byte> b, bool bSigned, ReadOnlySpan<int> bZero, Span<int> c, ParallelRunner parallel)
    {
        if (SharedB)
        {
            Int8MatMul.Multiply(a, aSigned, Batches * M, K, K, aZero, Packed?[0], b, bSigned, false, N, bZero, c, N, parallel);
            return;
        }
        for (int i = 0; i < Batches; i++)
            Int8MatMul.Multiply(a[(AMatrix[i] * M * K)..], aSigned, M, K, K, aZero, Packed?[BMatrix[i]],
                Packed is null ? b[(BMatrix[i] * K * N)..] : default, bSigned, false, N, bZero, c.Slice(i * M * N, M * N), N, parallel);
    }
}

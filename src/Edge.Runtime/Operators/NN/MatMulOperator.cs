using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// MatMul with numpy semantics: N-D batches broadcast, a 1-D A is a row and a 1-D B a column (their
/// axis dropped from the result). A constant B is packed once per batch; when it has no batch of its
/// own, all of A's batches run as one tall GEMM. An optional third input (not in the ONNX spec; only
/// <see cref="Planning.Transforms.MatMulBiasFusion"/> adds it) is a per-column bias added in the epilogue.
/// </summary>
public sealed class MatMulOperator : Operator
{
    /// <summary>Internal attribute: Y = alpha·(A·B) (+ bias). Only <see cref="Planning.Transforms.MatMulScaleFusion"/> sets it.</summary>
    public const string AlphaAttribute = "alpha";

    public override string OpType => "MatMul";

    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context)
    {
        var info = Resolve(context);
        Alpha(context);
        context.SetOutput(0, DataType.Float32, info.Output);
    }

    public override long CountOperations(NodeContext context)
    {
        var info = Resolve(context);
        return 2L * info.Batches * info.M * info.N * info.K;
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var info = Resolve(context);
        var b = context.InputValue(1);
        // B without batches of its own: every batch of A is rows of one (batches·M)×K matrix.
        if (info.BBatches == 1)
        {
            var packed = b is null ? null : PackedFloatMatrix.Pack(b.AsSpan<float>(), info.K, info.N);
            return new MatMulKernel(info.Batches * info.M, info.K, info.N, [0], [0], packed is null ? null : [packed], HasBias(context), Alpha(context));
        }
        PackedFloatMatrix[]? packs = null;
        if (b is not null)
        {
            var values = b.AsSpan<float>();
            packs = new PackedFloatMatrix[info.BBatches];
            for (int i = 0; i < packs.Length; i++)
                packs[i] = PackedFloatMatrix.Pack(values.Slice(i * info.K * info.N, info.K * info.N), info.K, info.N);
        }
        // Per output batch: where its A and B start (B as a batch index when packed).
        var aOffsets = new int[info.Batches];
        var bIndex = new int[info.Batches];
        var batch = info.BatchShape;
        var aStrides = Broadcasting.Strides(info.ABatchShape, batch);
        var bStrides = Broadcasting.Strides(info.BBatchShape, batch);
        var index = new int[batch.Rank];
        for (int t = 0; t < info.Batches; t++)
        {
            int rest = t;
            for (int d = batch.Rank - 1; d >= 0; d--)
            {
                index[d] = rest % batch[d];
                rest /= batch[d];
            }
            int ai = 0, bi = 0;
            for (int d = 0; d < batch.Rank; d++)
            {
                ai += index[d] * aStrides[d];
                bi += index[d] * bStrides[d];
            }
            aOffsets[t] = ai * info.M * info.K;
            bIndex[t] = bi;
        }
        return new MatMulKernel(info.M, info.K, info.N, aOffsets, bIndex, packs, HasBias(context), Alpha(context));
    }

    private static bool HasBias(NodeContext context) => context.InputCount > 2 && context.HasInput(2);

    /// <summary>The product's scale that MatMulScaleFusion moves in from a following Mul or Div (1 when absent).</summary>
    private static float Alpha(NodeContext context)
    {
        float alpha = context.Attributes.GetFloat(AlphaAttribute, 1f);
        if (!float.IsFinite(alpha))
            throw context.Fail($"attribute '{AlphaAttribute}' is {alpha}; it must be finite");
        return alpha;
    }

    private sealed record MatMulInfo(int M, int K, int N, TensorShape ABatchShape, TensorShape BBatchShape, TensorShape BatchShape, TensorShape Output)
    {
        public int Batches => BatchShape.ElementCount;
        public int BBatches => BBatchShape.ElementCount;
    }

    private static MatMulInfo Resolve(NodeContext context)
    {
        context.RequireInputs(2, 3);
        context.RequireType(0, DataType.Float32);
        context.RequireType(1, DataType.Float32);
        var a = context.InputShape(0);
        var b = context.InputShape(1);
        if (a.Rank == 0 || b.Rank == 0)
            throw context.Fail($"inputs must be at least 1-D (A {a}, B {b})");
        int m = a.Rank == 1 ? 1 : a[a.Rank - 2], k = a[a.Rank - 1];
        int kb = b.Rank == 1 ? b[0] : b[b.Rank - 2], n = b.Rank == 1 ? 1 : b[b.Rank - 1];
        if (k != kb)
            throw context.Fail($"inner dimensions differ: A {a} has K={k}, B {b} has K={kb}");
        var aBatch = new TensorShape(a.Rank > 2 ? a.Dims[..^2].ToArray() : []);
        var bBatch = new TensorShape(b.Rank > 2 ? b.Dims[..^2].ToArray() : []);
        TensorShape batch;
        try
        {
            batch = Broadcasting.Shape(aBatch, bBatch);
        }
        catch (ArgumentException e)
        {
            throw context.Fail($"batch dimensions of A {a} and B {b} do not broadcast: {e.Message}");
        }
        if (HasBias(context))
        {
            // The bias MatMulBiasFusion moves in from a following Add: one value per output column.
            context.RequireType(2, DataType.Float32);
            var bias = context.InputShape(2);
            if (b.Rank < 2 || bias.Rank != 1 || bias[0] != n)
                throw context.Fail($"bias (input 2) must be 1-D with N={n} values and B at least 2-D; bias is {bias}, B is {b}");
        }
        var dims = batch.ToArray().ToList();
        if (a.Rank > 1)
            dims.Add(m);
        if (b.Rank > 1)
            dims.Add(n);
        return new MatMulInfo(m, k, n, aBatch, bBatch, batch, new TensorShape(dims.ToArray()));
    }

    /// <summary>Batches of M×K · K×N (+ bias per column); output batches are contiguous M×N blocks.</summary>
    private sealed class MatMulKernel(int m, int k, int n, int[] aOffsets, int[] bIndex, PackedFloatMatrix[]? packed, bool hasBias, float alpha) : Kernel
    {
        private const long DirectProductLimit = 32 * 1024;

        // Below this many multiply-adds in all, a second thread costs more than it saves (a small model's heads).
        private const long ParallelBatchesLimit = 256 * 1024;

        public override unsafe void Execute(KernelContext context)
        {
            var job = new BatchJob(this, context.Input(0), packed is null ? context.Input(1) : null, hasBias ? context.Input(2) : null, context.Output(0));
            int batches = aOffsets.Length;
            if (batches > 1 && context.Parallel.Threads > 1 && (long)batches * m * k * n >= ParallelBatchesLimit)
            {
                // Attention's heads: whole products per thread beat splitting each small product's tiles.
                context.Parallel.For(batches, 1, in job, &MultiplyBatchesSequentially);
                return;
            }
            job.Kernel.MultiplyBatches(job, 0, batches, context.Parallel);
        }

        private readonly record struct BatchJob(MatMulKernel Kernel, Tensor A, Tensor? B, Tensor? Bias, Tensor Y);

        private static void MultiplyBatchesSequentially(in BatchJob job, int start, int end) =>
            job.Kernel.MultiplyBatches(job, start, end, ParallelRunner.Sequential);

        private void MultiplyBatches(in BatchJob job, int start, int end, ParallelRunner parallel)
        {
            var a = job.A.AsSpan<float>();
            var y = job.Y.AsSpan<float>();
            var b = job.B is null ? default : job.B.AsSpan<float>();
            var bias = job.Bias is null ? default : job.Bias.AsSpan<float>();
            // Small run-time products (attention heads of small models) cost less computed in place
            // than packed per call: packing is the larger part of the work there.
            bool direct = packed is null && (long)m * k * n <= DirectProductLimit;
            // A scaled product gets its bias after the scale (alpha·A·B + bias), so FloatGemm's epilogue cannot add it.
            bool scaled = alpha != 1f;
            var gemmBias = scaled ? default : bias;
            for (int t = start; t < end; t++)
            {
                var at = a.Slice(aOffsets[t], m * k);
                var yt = y.Slice(t * m * n, m * n);
                if (direct)
                {
                    SmallMatMul.Multiply(at, b.Slice(bIndex[t] * k * n, k * n), yt, m, k, n, alpha);
                    if (hasBias)
                        ScaleAndAddBias(yt, bias, 1f);
                    continue;
                }
                if (packed is not null)
                    FloatGemm.Multiply(at, m, k, 1, packed[bIndex[t]], yt, n, 1, gemmBias, false, FloatActivation.None, parallel);
                else
                    FloatGemm.Multiply(at, m, k, k, 1, b.Slice(bIndex[t] * k * n, k * n), n, n, 1, yt, n, 1, gemmBias, false, FloatActivation.None, parallel);
                if (scaled)
                    ScaleAndAddBias(yt, hasBias ? bias : default, alpha, n);
            }
        }

        /// <summary>rows = rows·scale + bias, row by row (bias may be empty: scale only).</summary>
        private static void ScaleAndAddBias(Span<float> rows, ReadOnlySpan<float> bias, float scale, int n = 0)
        {
            int width = System.Numerics.Vector<float>.Count;
            n = bias.IsEmpty ? n : bias.Length;
            var s = new System.Numerics.Vector<float>(scale);
            for (int start = 0; start < rows.Length; start += n)
            {
                var row = rows.Slice(start, n);
                int j = 0;
                if (System.Numerics.Vector.IsHardwareAccelerated)
                    for (; j <= row.Length - width; j += width)
                    {
                        var v = new System.Numerics.Vector<float>(row.Slice(j)) * s;
                        (bias.IsEmpty ? v : v + new System.Numerics.Vector<float>(bias.Slice(j))).CopyTo(row.Slice(j));
                    }
                for (; j < row.Length; j++)
                    row[j] = row[j] * scale + (bias.IsEmpty ? 0f : bias[j]);
            }
        }
    }
}

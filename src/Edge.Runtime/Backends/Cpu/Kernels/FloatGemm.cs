using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// Float matrix multiply C[M×N] = act(A[M×K]·B[K×N] + bias), bias per column (or per row) and act
/// an optional Relu/Clip. A and C are addressed through row and column strides (so transposed
/// operands cost nothing extra); B is pre-packed (<see cref="PackedFloatMatrix"/>, constant weights)
/// or given strided and packed per call. Dispatch picks the widest FMA micro-kernel the CPU has,
/// within <see cref="CpuFeatures.Cap"/>.
/// </summary>
public static class FloatGemm
{
    /// <summary>Multiply-adds below which a second thread costs more than it saves.</summary>
    private const long ParallelThreshold = 1L << 21;

    /// <summary>Weight elements below which a batch-1 GEMV stays on one thread (it is bound by memory bandwidth, not FMAs).</summary>
    private const long ParallelGemvThreshold = 1L << 22;

    /// <summary>The fastest variant this CPU supports (respecting <see cref="CpuFeatures.Cap"/>).</summary>
    public static FloatGemmVariant Best => Supported[^1];

    /// <summary>Every variant this CPU supports, reference first.</summary>
    public static IReadOnlyList<FloatGemmVariant> Supported { get; } = Enum.GetValues<FloatGemmVariant>().Where(IsSupported).ToArray();

    public static bool IsSupported(FloatGemmVariant variant) => variant switch
    {
        FloatGemmVariant.Reference => true,
        FloatGemmVariant.Vector128 => CpuFeatures.Cap != "scalar" && Vector128.IsHardwareAccelerated
            && (Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported),
        FloatGemmVariant.Avx2 => CpuFeatures.Avx2 && Fma.IsSupported && Vector256.IsHardwareAccelerated,
        FloatGemmVariant.Avx512 => CpuFeatures.Cap is null or "avx512" && Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>C = act(A·B + bias) with B pre-packed; A and C row-major and contiguous.</summary>
    public static void Multiply(ReadOnlySpan<float> a, int m, PackedFloatMatrix b, Span<float> c,
        ReadOnlySpan<float> bias = default, FloatActivation activation = default, ParallelRunner? parallel = null) =>
        Multiply(a, m, b.K, 1, b, c, b.N, 1, bias, false, activation, parallel ?? ParallelRunner.Sequential);

    /// <summary>
    /// C[i,j] (at c[i·cRowStride + j·cColStride]) = act(Σ_k A[i,k]·B[k,j] + bias), with
    /// A[i,k] at a[i·aRowStride + k·aColStride] and B pre-packed. Bias has N values (or M when
    /// <paramref name="biasPerRow"/>) or is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Multiply(ReadOnlySpan<float> a, int m, int aRowStride, int aColStride, PackedFloatMatrix b,
        Span<float> c, int cRowStride, int cColStride, ReadOnlySpan<float> bias, bool biasPerRow, FloatActivation activation, ParallelRunner parallel)
    {
        int k = b.K, n = b.N;
        CheckOperands(a, m, k, aRowStride, aColStride, c, n, cRowStride, cColStride, bias, biasPerRow);
        if (m == 0 || n == 0)
            return;
        if (b.Variant == FloatGemmVariant.Reference)
        {
            FloatGemmReference.Multiply(a, m, k, aRowStride, aColStride, b.Data, n, n, 1, c, cRowStride, cColStride, bias, biasPerRow, activation);
            return;
        }
        fixed (float* pa = a, pb = b.Data, pc = c, pbias = bias)
        {
            var job = new FloatGemmJob
            {
                A = pa, ARowStride = aRowStride, AColStride = aColStride, B = pb,
                C = pc, CRowStride = cRowStride, CColStride = cColStride,
                Bias = bias.IsEmpty ? null : pbias, BiasPerRow = biasPerRow, Activation = activation,
                M = m, N = n, K = k,
            };
            Dispatch(b.Variant, job, parallel);
        }
    }

    /// <summary>
    /// As the packed overload, with B[k,j] at b[k·bRowStride + j·bColStride] computed at run time
    /// (attention, non-constant weights): packed per call into pooled memory, or streamed directly for one row.
    /// </summary>
    public static unsafe void Multiply(ReadOnlySpan<float> a, int m, int k, int aRowStride, int aColStride,
        ReadOnlySpan<float> b, int n, int bRowStride, int bColStride,
        Span<float> c, int cRowStride, int cColStride, ReadOnlySpan<float> bias, bool biasPerRow, FloatActivation activation,
        ParallelRunner parallel, FloatGemmVariant? variant = null)
    {
        var chosen = variant ?? Best;
        if (!IsSupported(chosen))
            throw new NotSupportedException($"float GEMM variant {chosen} is not supported on this CPU");
        CheckOperands(a, m, k, aRowStride, aColStride, c, n, cRowStride, cColStride, bias, biasPerRow);
        CheckExtent(b.Length, k, n, bRowStride, bColStride, "B");
        if (m == 0 || n == 0)
            return;
        if (chosen == FloatGemmVariant.Reference)
        {
            FloatGemmReference.Multiply(a, m, k, aRowStride, aColStride, b, n, bRowStride, bColStride, c, cRowStride, cColStride, bias, biasPerRow, activation);
            return;
        }
        if (m == 1 && bColStride == 1 && cColStride == 1 && !biasPerRow)
        {
            SingleRowRowMajor(a, k, aColStride, b, n, bRowStride, c, bias, activation);
            return;
        }
        int length = PackedLength(chosen, k, n);
        float[] packed = ArrayPool<float>.Shared.Rent(Math.Max(1, length));
        try
        {
            PackInto(chosen, b, k, n, bRowStride, bColStride, 1f, packed);
            fixed (float* pa = a, pb = packed, pc = c, pbias = bias)
            {
                var job = new FloatGemmJob
                {
                    A = pa, ARowStride = aRowStride, AColStride = aColStride, B = pb,
                    C = pc, CRowStride = cRowStride, CColStride = cColStride,
                    Bias = bias.IsEmpty ? null : pbias, BiasPerRow = biasPerRow, Activation = activation,
                    M = m, N = n, K = k,
                };
                Dispatch(chosen, job, parallel);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    internal static int PanelWidth(FloatGemmVariant variant, int n) => variant switch
    {
        FloatGemmVariant.Vector128 => FloatGemmKernels<Vector128<float>, Simd128>.PanelWidth,
        FloatGemmVariant.Avx2 => FloatGemmKernels<Vector256<float>, Simd256>.PanelWidth,
        FloatGemmVariant.Avx512 => FloatGemmKernels<Vector512<float>, Simd512>.PanelWidth,
        _ => n,
    };

    internal static int PackedLength(FloatGemmVariant variant, int k, int n)
    {
        if (variant == FloatGemmVariant.Reference)
            return checked(k * n);
        int nr = PanelWidth(variant, n);
        return checked((n + nr - 1) / nr * nr * k);
    }

    internal static void PackInto(FloatGemmVariant variant, ReadOnlySpan<float> b, int k, int n, int rowStride, int columnStride, float scale, Span<float> dst)
    {
        if (variant == FloatGemmVariant.Reference)
        {
            for (int kk = 0; kk < k; kk++)
                for (int j = 0; j < n; j++)
                    dst[kk * n + j] = b[kk * rowStride + j * columnStride] * scale;
            return;
        }
        int nr = PanelWidth(variant, n);
        int panels = (n + nr - 1) / nr;
        for (int p = 0; p < panels; p++)
        {
            int j0 = p * nr, cols = Math.Min(nr, n - j0);
            var panel = dst.Slice(p * k * nr, k * nr);
            for (int kk = 0; kk < k; kk++)
            {
                var row = panel.Slice(kk * nr, nr);
                int src = kk * rowStride + j0 * columnStride;
                if (columnStride == 1 && scale == 1f)
                    b.Slice(src, cols).CopyTo(row);
                else
                    for (int jj = 0; jj < cols; jj++)
                        row[jj] = b[src + jj * columnStride] * scale;
                row[cols..].Clear();
            }
        }
    }

    private static void Dispatch(FloatGemmVariant variant, FloatGemmJob job, ParallelRunner parallel)
    {
        switch (variant)
        {
            case FloatGemmVariant.Avx512: Dispatch<Vector512<float>, Simd512>(job, parallel); break;
            case FloatGemmVariant.Avx2: Dispatch<Vector256<float>, Simd256>(job, parallel); break;
            case FloatGemmVariant.Vector128: Dispatch<Vector128<float>, Simd128>(job, parallel); break;
            default: throw new NotSupportedException($"float GEMM variant {variant} has no packed kernel");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dispatch<TVec, TOps>(FloatGemmJob job, ParallelRunner parallel)
        where TVec : struct
        where TOps : struct, IFloatSimd<TVec>
    {
        int nr = FloatGemmKernels<TVec, TOps>.PanelWidth;
        int panels = (job.N + nr - 1) / nr;
        if (job.K == 0)
        {
            FillBiasOnly(job);
            return;
        }
        if (job.M == 1)
        {
            if (parallel.Threads > 1 && (long)job.N * job.K >= ParallelGemvThreshold)
                parallel.For(panels, 4, (start, end) => FloatGemmKernels<TVec, TOps>.RunSingleRow(job, start, end));
            else
                FloatGemmKernels<TVec, TOps>.RunSingleRow(job, 0, panels);
            return;
        }
        const int rowsPerBlock = FloatGemmKernels<TVec, TOps>.Rows;
        if (parallel.Threads > 1 && (long)job.M * job.N * job.K >= ParallelThreshold)
        {
            int rowBlocks = (job.M + rowsPerBlock - 1) / rowsPerBlock;
            if (rowBlocks >= 2 * parallel.Threads)
                parallel.For(rowBlocks, 1, (start, end) =>
                    FloatGemmKernels<TVec, TOps>.Run(job, start * rowsPerBlock, Math.Min(job.M, end * rowsPerBlock), 0, panels));
            else
                parallel.For(panels, 1, (start, end) => FloatGemmKernels<TVec, TOps>.Run(job, 0, job.M, start, end));
            return;
        }
        FloatGemmKernels<TVec, TOps>.Run(job, 0, job.M, 0, panels);
    }

    private static unsafe void FillBiasOnly(in FloatGemmJob job)
    {
        for (int i = 0; i < job.M; i++)
            for (int j = 0; j < job.N; j++)
            {
                float v = job.Bias == null ? 0f : job.BiasPerRow ? job.Bias[i] : job.Bias[j];
                job.C[i * job.CRowStride + j * job.CColStride] = job.Activation.Apply(v);
            }
    }

    /// <summary>One row against row-major B, read once in place: each K step adds a[k]·B[k, block] to register accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SingleRowRowMajor(ReadOnlySpan<float> a, int k, int aStep, ReadOnlySpan<float> b, int n, int ldb,
        Span<float> c, ReadOnlySpan<float> bias, FloatActivation activation)
    {
        int w = Vector<float>.Count;
        int j = 0;
        for (; j + 4 * w <= n; j += 4 * w)
        {
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int kk = 0; kk < k; kk++)
            {
                var x = new Vector<float>(a[kk * aStep]);
                var row = b.Slice(kk * ldb + j, 4 * w);
                s0 = Vector.FusedMultiplyAdd(x, new Vector<float>(row), s0);
                s1 = Vector.FusedMultiplyAdd(x, new Vector<float>(row[w..]), s1);
                s2 = Vector.FusedMultiplyAdd(x, new Vector<float>(row[(2 * w)..]), s2);
                s3 = Vector.FusedMultiplyAdd(x, new Vector<float>(row[(3 * w)..]), s3);
            }
            s0.CopyTo(c[j..]);
            s1.CopyTo(c[(j + w)..]);
            s2.CopyTo(c[(j + 2 * w)..]);
            s3.CopyTo(c[(j + 3 * w)..]);
        }
        for (; j < n; j++)
        {
            float sum = 0f;
            for (int kk = 0; kk < k; kk++)
                sum += a[kk * aStep] * b[kk * ldb + j];
            c[j] = sum;
        }
        var output = c[..n];
        if (!bias.IsEmpty)
            for (int i = 0; i < n; i++)
                output[i] += bias[i];
        activation.Apply(output);
    }

    private static void CheckOperands(ReadOnlySpan<float> a, int m, int k, int aRowStride, int aColStride,
        Span<float> c, int n, int cRowStride, int cColStride, ReadOnlySpan<float> bias, bool biasPerRow)
    {
        if (m < 0 || n < 0 || k < 0 || aRowStride < 0 || aColStride < 0 || cRowStride < 0 || cColStride < 0)
            throw new ArgumentException($"negative size or stride in a {m}x{k}x{n} GEMM");
        CheckExtent(a.Length, m, k, aRowStride, aColStride, "A");
        CheckExtent(c.Length, m, n, cRowStride, cColStride, "C");
        if (!bias.IsEmpty && bias.Length < (biasPerRow ? m : n))
            throw new ArgumentException($"bias has {bias.Length} values; expected {(biasPerRow ? m : n)}");
    }

    private static void CheckExtent(int length, int rows, int cols, long rowStride, long colStride, string what)
    {
        if (rows > 0 && cols > 0 && (rows - 1) * rowStride + (cols - 1) * colStride >= length)
            throw new ArgumentException($"{what} has {length} elements, too few for {rows}x{cols} with strides {rowStride},{colStride}");
    }
}

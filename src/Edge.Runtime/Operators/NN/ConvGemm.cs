using System.Runtime.Intrinsics;
using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Conv with constant weights as Y[m, pixel] = W[m, k]·col[k, pixel] per image and group: the
/// weights are packed once into row panels of the GEMM micro-kernel, and input pixels are packed
/// straight from X into column panels per block (no im2col buffer, nothing rented). Y comes out
/// row-major, which is NCHW, so the epilogue (bias per channel, activation, K-block accumulation)
/// is all vector loads and stores.
/// </summary>
internal sealed unsafe class ConvGemm
{
    private readonly ConvGemmGeometry _geometry;
    private readonly float[] _weights;
    private readonly FloatGemmVariant _variant;

    private ConvGemm(ConvGemmGeometry geometry, float[] weights, FloatGemmVariant variant)
    {
        _geometry = geometry;
        _weights = weights;
        _variant = variant;
    }

    /// <summary>Packs <paramref name="weights"/> (M×C/group×kernel), or returns null when this CPU has no vector GEMM.</summary>
    public static ConvGemm? TryCreate(SpatialWindow window, ReadOnlySpan<float> weights, int channels, int outputChannels, int groups)
    {
        var variant = FloatGemm.Best;
        if (variant == FloatGemmVariant.Reference)
            return null;
        int rows = FloatGemmKernels<Vector128<float>, Simd128>.Rows;
        int k = channels / groups * window.KernelSize, mg = outputChannels / groups;
        int mPanels = (mg + rows - 1) / rows;
        var packed = new float[checked(groups * mPanels * k * rows)];
        for (int g = 0; g < groups; g++)
            for (int i = 0; i < mPanels; i++)
            {
                var panel = packed.AsSpan((g * mPanels + i) * k * rows, k * rows);
                for (int r = 0; r < rows && i * rows + r < mg; r++)
                {
                    var source = weights.Slice((g * mg + i * rows + r) * k, k);
                    for (int p = 0; p < k; p++)
                        panel[p * rows + r] = source[p];
                }
            }
        var geometry = new ConvGemmGeometry(window, channels / groups, mg, groups, k, mPanels, window.InputSize, window.OutputSize);
        return new ConvGemm(geometry, packed, variant);
    }

    public void Run(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, int batch, FloatActivation activation, ParallelRunner parallel)
    {
        switch (_variant)
        {
            case FloatGemmVariant.Avx512: Run<Vector512<float>, Simd512>(x, y, bias, batch, activation, parallel); break;
            case FloatGemmVariant.Avx2: Run<Vector256<float>, Simd256>(x, y, bias, batch, activation, parallel); break;
            default: Run<Vector128<float>, Simd128>(x, y, bias, batch, activation, parallel); break;
        }
    }

    private void Run<TVec, TOps>(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, int batch, FloatActivation activation, ParallelRunner parallel)
        where TVec : struct
        where TOps : struct, IFloatSimd<TVec>
    {
        var geo = _geometry;
        int blockPixels = ConvGemmKernels<TVec, TOps>.BlockPanels * FloatGemmKernels<TVec, TOps>.PanelWidth;
        int pixelBlocks = (geo.OutPixels + blockPixels - 1) / blockPixels;
        int outer = batch * geo.Groups * pixelBlocks;
        int mChunks = 1;
        long multiplyAdds = (long)batch * geo.Groups * geo.OutPixels * geo.K * geo.MPerGroup;
        bool threaded = parallel.Threads > 1 && multiplyAdds >= 1L << 21;
        if (threaded && outer < 2 * parallel.Threads)
            mChunks = Math.Min(geo.MPanels, (2 * parallel.Threads + outer - 1) / outer);
        if (x.Length < batch * geo.Groups * geo.ChannelsPerGroup * geo.InPixels || y.Length < batch * geo.Groups * geo.MPerGroup * geo.OutPixels
            || (!bias.IsEmpty && bias.Length < geo.Groups * geo.MPerGroup))
            throw new ArgumentException("Conv operands are smaller than the planned shapes");
        fixed (float* px = x, py = y, pbias = bias, pw = _weights)
        {
            var job = new ConvGemmJob
            {
                Geometry = geo, X = px, Y = py, Bias = bias.IsEmpty ? null : pbias, Weights = pw, Activation = activation,
                PixelBlocks = pixelBlocks, MChunks = mChunks,
            };
            int items = outer * mChunks;
            if (threaded)
                parallel.For(items, 1, in job, &ConvGemmKernels<TVec, TOps>.RunItems);
            else
                ConvGemmKernels<TVec, TOps>.RunItems(in job, 0, items);
        }
    }
}

/// <summary>Sizes a <see cref="ConvGemm"/> fixes at plan time.</summary>
internal sealed record ConvGemmGeometry(SpatialWindow Window, int ChannelsPerGroup, int MPerGroup, int Groups, int K, int MPanels, int InPixels, int OutPixels);

/// <summary>One Conv call's pinned operands, shared read-only by the threads that split it.</summary>
internal readonly unsafe struct ConvGemmJob
{
    public ConvGemmGeometry Geometry { get; init; }
    public float* X { get; init; }
    public float* Y { get; init; }
    /// <summary>Null when there is no bias.</summary>
    public float* Bias { get; init; }
    public float* Weights { get; init; }
    public FloatActivation Activation { get; init; }
    public int PixelBlocks { get; init; }
    public int MChunks { get; init; }
}

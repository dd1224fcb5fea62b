using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Conv with constant weights as Y[m, pixel] = W[m, k]·col[k, pixel] per image and group: the
/// weights are packed once into row panels of the GEMM micro-kernel, and input pixels are packed
/// straight from X into column panels per block (no im2col buffer, nothing rented). Y comes out
/// row-major, which is NCHW, so the epilogue (bias per channel, activation, K-block accumulation)
/// is all vector loads and stores.
/// </summary>
internal sealed unsafe class ConvGemm : IPackedFloatConvolution
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
    public static ConvGemm? TryCreate(SpatialWindow window, ReadOnlySpan<float> weights, int batch, int channels, int outputChannels, int groups)
    {
        var variant = FloatGemm.Best;
        if (variant == FloatGemmVariant.Reference)
            return null;
        // Small images fill 32-pixel panels poorly (one 4x4 image leaves half of one empty): 16-pixel panels waste less.
        // The images of a batch share panels, so what counts is the batch's pixels (sixteen 4x4 images fill eight panels).
        int pixels = batch * window.OutputSize;
        if (variant == FloatGemmVariant.Avx512 && FloatGemm.IsSupported(FloatGemmVariant.Avx2)
            && RoundUp(pixels, 32) - RoundUp(pixels, 16) > pixels / 10)
            variant = FloatGemmVariant.Avx2;
        // AVX-512 has the registers for 8-row panels (32 of them; 8 rows need 19).
        int rows = Avx512F.IsSupported && variant is FloatGemmVariant.Avx512 ? 8 : FloatGemmKernels<Vector128<float>, Simd128>.Rows;
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
        bool padded = window.PadsBegin.Any(v => v != 0) || window.PadsEnd.Any(v => v != 0);
        int[] plane = [.. Enumerable.Range(0, SpatialWindow.Axes).Select(a => window.Input[a] + (padded ? window.PadsBegin[a] + window.PadsEnd[a] : 0))];
        var geometry = new ConvGemmGeometry(window, batch, channels / groups, mg, groups, k, mPanels, rows, plane[0], plane[1], plane[2], window.OutputSize, padded);
        return new ConvGemm(geometry, packed, variant);
    }

    /// <summary>Scratch for the zero-padded copy of X (none when the window has no padding).</summary>
    public int WorkspaceBytes => _geometry.Padded ? checked(_geometry.Batch * _geometry.Groups * _geometry.ChannelsPerGroup * _geometry.PlanePixels * sizeof(float)) : 0;

    /// <summary>Y = act(conv(X, W) + bias); <paramref name="workspace"/> holds at least <see cref="WorkspaceBytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, FloatActivation activation, ParallelRunner parallel, Span<byte> workspace)
    {
        var geo = _geometry;
        if (x.Length < geo.Batch * geo.Groups * geo.ChannelsPerGroup * geo.Window.InputSize || y.Length < geo.Batch * geo.Groups * geo.MPerGroup * geo.OutPixels
            || (!bias.IsEmpty && bias.Length < geo.Groups * geo.MPerGroup) || workspace.Length < WorkspaceBytes)
            throw new ArgumentException("Conv operands are smaller than the planned shapes");
        ReadOnlySpan<float> planes = x;
        if (geo.Padded)
        {
            var copy = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(workspace);
            PadInput(x, copy);
            planes = copy;
        }
        switch (_variant)
        {
            case FloatGemmVariant.Avx512: Run<Vector512<float>, Simd512>(planes, y, bias, activation, parallel); break;
            case FloatGemmVariant.Avx2: Run<Vector256<float>, Simd256>(planes, y, bias, activation, parallel); break;
            default: Run<Vector128<float>, Simd128>(planes, y, bias, activation, parallel); break;
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Copies every plane of X into the middle of a zeroed padded plane, so that packing reads every tap without bounds checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PadInput(ReadOnlySpan<float> x, Span<float> padded)
    {
        var geo = _geometry;
        var win = geo.Window;
        int inD = win.Input[0], inH = win.Input[1], inW = win.Input[2], inPixels = win.InputSize;
        int pd = win.PadsBegin[0], ph = win.PadsBegin[1], pw = win.PadsBegin[2];
        int planes = geo.Batch * geo.Groups * geo.ChannelsPerGroup, planeD = geo.PlaneD, planeH = geo.PlaneH, width = geo.PlaneW;
        // The workspace is shared with other nodes, so the zero border is rewritten every call: one clear of the
        // whole buffer, then the rows of X over it (small images have rows of a few values, so a border written
        // row by row costs more than the clear).
        var used = padded[..(planes * planeD * planeH * width)];
        used.Clear();
        fixed (float* px = x, pp = used)
        {
            for (int plane = 0; plane < planes; plane++)
            {
                float* src = px + (long)plane * inPixels;
                float* dst = pp + (long)plane * planeD * planeH * width + ((long)pd * planeH + ph) * width + pw;
                for (int d = 0; d < inD; d++)
                    for (int h = 0; h < inH; h++)
                        CopyRow(src + ((long)d * inH + h) * inW, dst + ((long)d * planeH + h) * width, inW);
            }
        }
    }

    /// <summary>Copies a row of X; 8x8 images copy a row in two moves, not eight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* line, float* dst, int count)
    {
        if (count >= 32)
            new ReadOnlySpan<float>(line, count).CopyTo(new Span<float>(dst, count));
        else if (count >= 4 && Vector128.IsHardwareAccelerated)
        {
            // Whole vectors, the last one overlapping the one before.
            for (int i = 0; i + 4 < count; i += 4)
                Vector128.Store(Vector128.Load(line + i), dst + i);
            Vector128.Store(Vector128.Load(line + count - 4), dst + count - 4);
        }
        else
            for (int i = 0; i < count; i++)
                dst[i] = line[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run<TVec, TOps>(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, FloatActivation activation, ParallelRunner parallel)
        where TVec : struct
        where TOps : struct, IFloatSimd<TVec>
    {
        var geo = _geometry;
        // Pixels of all images form one column space, so that small images fill whole panels together.
        int blockPixels = ConvGemmKernels<TVec, TOps>.BlockPanels * FloatGemmKernels<TVec, TOps>.PanelWidth;
        int pixelBlocks = (geo.Batch * geo.OutPixels + blockPixels - 1) / blockPixels;
        int outer = geo.Groups * pixelBlocks;
        int mChunks = 1;
        long multiplyAdds = (long)geo.Batch * geo.Groups * geo.OutPixels * geo.K * geo.MPerGroup;
        bool threaded = parallel.Threads > 1 && multiplyAdds >= 1L << 21;
        // Few pixel blocks split unevenly across threads (7 panels of 196 pixels: 4 + 3): give each thread its own weight rows instead.
        // Not when they split evenly: every weight chunk packs the same pixels again (16 tiny images: 8 blocks, each packed twice).
        if (threaded && outer < 4 * parallel.Threads && outer % parallel.Threads != 0)
            mChunks = Math.Min(geo.MPanels, parallel.Threads);
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

/// <summary>Sizes a <see cref="ConvGemm"/> fixes at plan time; Rows is the weight panels' (micro-kernel tile's) height.</summary>
internal sealed record ConvGemmGeometry(SpatialWindow Window, int Batch, int ChannelsPerGroup, int MPerGroup, int Groups, int K, int MPanels, int Rows,
    int PlaneD, int PlaneH, int PlaneW, int OutPixels, bool Padded)
{
    /// <summary>Elements of one input plane as packing reads it (padded when <see cref="Padded"/>).</summary>
    public int PlanePixels => PlaneD * PlaneH * PlaneW;
}

/// <summary>One Conv call's pinned operands (X as padded planes when the window pads), shared read-only by the threads that split it.</summary>
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

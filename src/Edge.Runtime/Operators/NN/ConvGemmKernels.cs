using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// The loops of <see cref="ConvGemm"/> for one vector width: per block of output pixels and K
/// depth, pack the pixels' input taps into column panels on the stack, then run every weight row
/// panel against them with <see cref="FloatGemmKernels{TVec,TOps}"/>' micro-kernel.
/// </summary>
internal static unsafe class ConvGemmKernels<TVec, TOps>
    where TVec : struct
    where TOps : struct, IFloatSimd<TVec>
{
    /// <summary>Column panels per pixel block: each weight panel loaded into L1 serves this many micro-kernel calls.</summary>
    public const int BlockPanels = 4;

    private const int Rows = FloatGemmKernels<TVec, TOps>.Rows;

    /// <summary>Depth of one K block: a depth×panel-width column panel is 16 KB, half of L1.</summary>
    private static int DepthBlock => 4096 / FloatGemmKernels<TVec, TOps>.PanelWidth;

    /// <summary>Runs work items [start, end): (image, group, pixel block, chunk of weight panels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void RunItems(in ConvGemmJob job, int start, int end)
    {
        var geo = job.Geometry;
        int nr = FloatGemmKernels<TVec, TOps>.PanelWidth;
        // Equal K blocks, so that no block is a short remainder that pays a whole epilogue for little work.
        int depth = (geo.K + (geo.K + DepthBlock - 1) / DepthBlock - 1) / ((geo.K + DepthBlock - 1) / DepthBlock);
        int blockPixels = BlockPanels * nr, outPixels = geo.OutPixels, k = geo.K, mg = geo.MPerGroup;
        float* packed = stackalloc float[BlockPanels * 4096];
        float* tile = stackalloc float[Rows * 32];
        // A run per output row or panel boundary: at most one per pixel plus one per panel.
        int* runs = stackalloc int[6 * (blockPixels + BlockPanels)];
        for (int item = start; item < end; item++)
        {
            int chunk = item % job.MChunks, rest = item / job.MChunks;
            int pixelBlock = rest % job.PixelBlocks;
            rest /= job.PixelBlocks;
            int g = rest % geo.Groups, image = rest / geo.Groups;
            int pixelStart = pixelBlock * blockPixels, pixelEnd = Math.Min(outPixels, pixelStart + blockPixels);
            int panels = (pixelEnd - pixelStart + nr - 1) / nr;
            int panelStart = (int)((long)geo.MPanels * chunk / job.MChunks), panelEnd = (int)((long)geo.MPanels * (chunk + 1) / job.MChunks);
            float* x = job.X + (long)(image * geo.Groups + g) * geo.ChannelsPerGroup * geo.InPixels;
            float* y = job.Y + (long)(image * geo.Groups + g) * mg * outPixels;
            float* bias = job.Bias == null ? null : job.Bias + g * mg;
            float* weights = job.Weights + (long)g * geo.MPanels * k * Rows;
            int runCount = PixelRuns(geo.Window, pixelStart, pixelEnd, nr, runs);
            for (int kb = 0; kb < k; kb += depth)
            {
                int kc = Math.Min(depth, k - kb);
                bool first = kb == 0, last = kb + kc == k;
                PackPixels(geo, x, kb, kc, runs, runCount, pixelEnd - pixelStart, nr, packed);
                for (int i = panelStart; i < panelEnd; i++)
                {
                    float* a = weights + (long)i * k * Rows + kb * Rows;
                    int rows = Math.Min(Rows, mg - i * Rows);
                    float* c = y + (long)i * Rows * outPixels;
                    float* rowBias = bias == null ? null : bias + i * Rows;
                    for (int q = 0; q < panels; q++)
                    {
                        FloatGemmKernels<TVec, TOps>.MicroKernel(kc, a, packed + q * kc * nr, tile);
                        int col = pixelStart + q * nr;
                        Epilogue(job.Activation, tile, c + col, outPixels, rowBias, rows, Math.Min(nr, pixelEnd - col), first, last);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Splits pixels [pixelStart, pixelEnd) into runs that stay on one output row and in one column
    /// panel, each stored as (first input depth, first input row, output column, count, panel,
    /// column in panel); the same runs serve every tap, so packing divides nothing per tap.
    /// </summary>
    private static int PixelRuns(SpatialWindow win, int pixelStart, int pixelEnd, int nr, int* runs)
    {
        int outH = win.Output[1], outW = win.Output[2];
        int count = 0, p = pixelStart;
        int line = p / outW, ow = p - line * outW;
        while (p < pixelEnd)
        {
            int offset = p - pixelStart, panel = offset / nr, within = offset - panel * nr;
            int n = Math.Min(Math.Min(pixelEnd - p, outW - ow), nr - within);
            int od = line / outH, oh = line - od * outH;
            int* run = runs + 6 * count++;
            run[0] = od * win.Strides[0] - win.PadsBegin[0];
            run[1] = oh * win.Strides[1] - win.PadsBegin[1];
            run[2] = ow;
            run[3] = n;
            run[4] = panel;
            run[5] = within;
            p += n;
            ow += n;
            if (ow == outW)
            {
                ow = 0;
                line++;
            }
        }
        return count;
    }

    /// <summary>
    /// Packs col[kb..kb+kc, block pixels] (the im2col matrix, never materialised) as column panels
    /// of <paramref name="nr"/> pixels, each kc rows of nr values, following <paramref name="runs"/>;
    /// padding taps and the last panel's missing pixels are zero.
    /// </summary>
    private static void PackPixels(ConvGemmGeometry geo, float* x, int kb, int kc, int* runs, int runCount, int pixels, int nr, float* dst)
    {
        var win = geo.Window;
        int inD = win.Input[0], inH = win.Input[1], inW = win.Input[2], outW = win.Output[2];
        int kH = win.Kernel[1], kW = win.Kernel[2], taps = win.KernelSize;
        int sw = win.Strides[2], dd = win.Dilations[0], dh = win.Dilations[1], dw = win.Dilations[2], pw = win.PadsBegin[2];
        int panelStride = kc * nr, tail = pixels % nr;
        int channel = kb / taps, tap = kb - channel * taps;
        int kd = tap / (kH * kW), kh = tap / kW % kH, kw = tap % kW;
        for (int kk = 0; kk < kc; kk++)
        {
            float* plane = x + (long)channel * geo.InPixels;
            int x0 = kw * dw - pw;
            // Output columns whose input column lies inside X: [owFirst, owLast).
            int owFirst = x0 >= 0 ? 0 : Math.Min(outW, (-x0 + sw - 1) / sw);
            int owLast = inW - 1 - x0 < 0 ? 0 : Math.Min(outW, (inW - 1 - x0) / sw + 1);
            owLast = Math.Max(owFirst, owLast);
            int depthOffset = kd * dd, rowOffset = kh * dh;
            float* rowDst = dst + kk * nr;
            for (int r = 0; r < runCount; r++)
            {
                int* run = runs + 6 * r;
                int id = run[0] + depthOffset, ih = run[1] + rowOffset, ow = run[2], count = run[3];
                float* d = rowDst + run[4] * panelStride + run[5];
                if ((uint)id >= (uint)inD || (uint)ih >= (uint)inH)
                {
                    new Span<float>(d, count).Clear();
                    continue;
                }
                float* src = plane + ((long)id * inH + ih) * inW + x0;
                int end = ow + count;
                int from = Math.Clamp(owFirst, ow, end), to = Math.Clamp(owLast, from, end);
                for (int o = ow; o < from; o++)
                    d[o - ow] = 0f;
                if (sw == 1)
                    CopyRun(src + from, d + (from - ow), to - from);
                else
                    GatherRun(src, sw, from, to, d - ow);
                for (int o = to; o < end; o++)
                    d[o - ow] = 0f;
            }
            if (tail != 0)
                new Span<float>(rowDst + pixels / nr * panelStride + tail, nr - tail).Clear();
            if (++kw == kW)
            {
                kw = 0;
                if (++kh == kH)
                {
                    kh = 0;
                    if (++kd * kH * kW == taps)
                    {
                        kd = 0;
                        channel++;
                    }
                }
            }
        }
    }

    /// <summary>Copies a short run with whole vectors; a run longer than one vector ends with a vector overlapping the previous one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(float* src, float* dst, int count)
    {
        int w = TOps.Width;
        if (count < w)
        {
            for (int i = 0; i < count; i++)
                dst[i] = src[i];
            return;
        }
        int i0 = 0;
        for (; i0 + w < count; i0 += w)
            TOps.Store(dst + i0, TOps.Load(src + i0));
        TOps.Store(dst + count - w, TOps.Load(src + count - w));
    }

    /// <summary>dst[o] = src[o·stride] for o in [from, to): stride 2 (downsampling convs) deinterleaves 8 at a time on AVX2.</summary>
    private static void GatherRun(float* src, int stride, int from, int to, float* dst)
    {
        int o = from;
        if (stride == 2 && Avx2.IsSupported)
        {
            // Reads src[2o .. 2o+15]: stop while that stays within the run's last input, src[2(to-1)].
            for (; o + 9 <= to; o += 8)
            {
                var even = Avx.Shuffle(Avx.LoadVector256(src + 2 * o), Avx.LoadVector256(src + 2 * o + 8), 0x88);
                Avx.Store(dst + o, Avx2.Permute4x64(even.AsDouble(), 0xD8).AsSingle());
            }
        }
        for (; o < to; o++)
            dst[o] = src[o * stride];
    }

    /// <summary>Writes a Rows×nr tile into row-major C: bias on the first K block, C added on later ones, clamp on the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Epilogue(FloatActivation activation, float* tile, float* c, int cStride, float* bias, int rows, int cols, bool first, bool last)
    {
        int w = TOps.Width, nr = 2 * w;
        bool clamp = last && !activation.IsNone;
        if (cols == nr)
        {
            var lo = TOps.Broadcast(activation.Min);
            var hi = TOps.Broadcast(activation.Max);
            for (int r = 0; r < rows; r++)
            {
                float* cr = c + (long)r * cStride;
                var v0 = TOps.Load(tile + r * nr);
                var v1 = TOps.Load(tile + r * nr + w);
                if (!first)
                {
                    v0 = TOps.Add(v0, TOps.Load(cr));
                    v1 = TOps.Add(v1, TOps.Load(cr + w));
                }
                else if (bias != null)
                {
                    var b = TOps.Broadcast(bias[r]);
                    v0 = TOps.Add(v0, b);
                    v1 = TOps.Add(v1, b);
                }
                if (clamp)
                {
                    v0 = TOps.Clamp(v0, lo, hi);
                    v1 = TOps.Clamp(v1, lo, hi);
                }
                TOps.Store(cr, v0);
                TOps.Store(cr + w, v1);
            }
            return;
        }
        // Infinite bounds make the clamp an identity (NaN included), so the loop needs no branch for it.
        float min = clamp ? activation.Min : float.NegativeInfinity;
        float max = clamp ? activation.Max : float.PositiveInfinity;
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + (long)r * cStride;
            float add = first && bias != null ? bias[r] : 0f;
            for (int j = 0; j < cols; j++)
            {
                float v = tile[r * nr + j] + (first ? add : cr[j]);
                cr[j] = Math.Min(Math.Max(v, min), max);
            }
        }
    }
}

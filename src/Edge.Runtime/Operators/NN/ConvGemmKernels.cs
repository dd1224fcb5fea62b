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

    /// <summary>Most rows of a weight panel (<see cref="ConvGemmGeometry.Rows"/> is this or the shared kernel's 6).</summary>
    public const int MaxRows = 8;

    /// <summary>Depth of one K block: a depth×panel-width column panel is 32 KB (measured a little faster on Zen 4 than 16 KB).</summary>
    private static int DepthBlock => 8192 / FloatGemmKernels<TVec, TOps>.PanelWidth;

    /// <summary>Runs work items [start, end): (chunk of weight panels, group, block of pixels across the batch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void RunItems(in ConvGemmJob job, int start, int end)
    {
        var geo = job.Geometry;
        int nr = FloatGemmKernels<TVec, TOps>.PanelWidth;
        // Equal K blocks, so that no block is a short remainder that pays a whole epilogue for little work.
        int depth = (geo.K + (geo.K + DepthBlock - 1) / DepthBlock - 1) / ((geo.K + DepthBlock - 1) / DepthBlock);
        int blockPixels = BlockPanels * nr, outPixels = geo.OutPixels, k = geo.K, mg = geo.MPerGroup;
        int totalPixels = geo.Batch * outPixels, imageStride = geo.Groups * mg * outPixels;
        float* packed = stackalloc float[BlockPanels * 8192];
        float* tile = stackalloc float[MaxRows * 32];
        int panelRows = geo.Rows;
        // A run per output row, image or panel boundary: at most one per pixel plus one per panel.
        int* runs = stackalloc int[4 * (blockPixels + BlockPanels)];
        int* taps = stackalloc int[depth];
        for (int item = start; item < end; item++)
        {
            // Chunk-major, so that a thread's contiguous range of items is whole chunks of weight rows.
            int outer = geo.Groups * job.PixelBlocks;
            int chunk = item / outer, rest = item - chunk * outer;
            int pixelBlock = rest % job.PixelBlocks, g = rest / job.PixelBlocks;
            int pixelStart = pixelBlock * blockPixels, pixelEnd = Math.Min(totalPixels, pixelStart + blockPixels);
            int panels = (pixelEnd - pixelStart + nr - 1) / nr;
            int panelStart = (int)((long)geo.MPanels * chunk / job.MChunks), panelEnd = (int)((long)geo.MPanels * (chunk + 1) / job.MChunks);
            float* x = job.X + (long)g * geo.ChannelsPerGroup * geo.PlanePixels;
            float* y = job.Y + (long)g * mg * outPixels;
            float* bias = job.Bias == null ? null : job.Bias + g * mg;
            float* weights = job.Weights + (long)g * geo.MPanels * k * panelRows;
            int runCount = PixelRuns(geo, pixelStart, pixelEnd, nr, runs);
            for (int kb = 0; kb < k; kb += depth)
            {
                int kc = Math.Min(depth, k - kb);
                bool first = kb == 0, last = kb + kc == k;
                TapOffsets(geo, kb, kc, taps);
                PackPixels(geo.Window.Strides[2], x, taps, kc, runs, runCount, pixelEnd - pixelStart, nr, packed);
                for (int i = panelStart; i < panelEnd; i++)
                {
                    float* a = weights + (long)i * k * panelRows + kb * panelRows;
                    int rows = Math.Min(panelRows, mg - i * panelRows);
                    float* c = y + (long)i * panelRows * outPixels;
                    float* rowBias = bias == null ? null : bias + i * panelRows;
                    for (int q = 0; q < panels; q++)
                    {
                        if (panelRows == MaxRows)
                            MicroKernel8(kc, a, packed + q * kc * nr, tile);
                        else
                            FloatGemmKernels<TVec, TOps>.MicroKernel(kc, a, packed + q * kc * nr, tile);
                        // Split the tile's columns where they cross from one image to the next.
                        int col = pixelStart + q * nr, colEnd = Math.Min(pixelEnd, col + nr);
                        while (col < colEnd)
                        {
                            int image = col / outPixels, pixel = col - image * outPixels;
                            int cols = Math.Min(colEnd - col, outPixels - pixel);
                            Epilogue(job.Activation, tile + (col - pixelStart - q * nr), c + (long)image * imageStride + pixel, outPixels, rowBias, rows, cols, first, last);
                            col += cols;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Splits pixels [pixelStart, pixelEnd) of the batch into runs that stay on one output row and in
    /// one column panel, each stored as (input offset of its first pixel's top-left tap, count,
    /// panel, column in panel); the same runs serve every tap, so packing divides nothing per tap.
    /// </summary>
    private static int PixelRuns(ConvGemmGeometry geo, int pixelStart, int pixelEnd, int nr, int* runs)
    {
        var win = geo.Window;
        int outH = win.Output[1], outW = win.Output[2], lines = win.Output[0] * outH;
        int sd = win.Strides[0], sh = win.Strides[1], sw = win.Strides[2];
        int imageStride = geo.Groups * geo.ChannelsPerGroup * geo.PlanePixels;
        // Unpadded planes start at the input's origin; padded ones already shifted it by the pads.
        int originD = geo.Padded ? 0 : -win.PadsBegin[0], originH = geo.Padded ? 0 : -win.PadsBegin[1], originW = geo.Padded ? 0 : -win.PadsBegin[2];
        int count = 0, p = pixelStart;
        int image = p / geo.OutPixels, pixel = p - image * geo.OutPixels;
        int line = pixel / outW, ow = pixel - line * outW;
        while (p < pixelEnd)
        {
            int offset = p - pixelStart, panel = offset / nr, within = offset - panel * nr;
            int n = Math.Min(Math.Min(pixelEnd - p, outW - ow), nr - within);
            int od = line / outH, oh = line - od * outH;
            int* run = runs + 4 * count++;
            run[0] = image * imageStride + ((od * sd + originD) * geo.PlaneH + oh * sh + originH) * geo.PlaneW + ow * sw + originW;
            run[1] = n;
            run[2] = panel;
            run[3] = within;
            p += n;
            ow += n;
            if (ow == outW)
            {
                ow = 0;
                if (++line == lines)
                {
                    line = 0;
                    image++;
                }
            }
        }
        return count;
    }

    /// <summary>taps[kk] = offset of K row kb+kk's (channel, kd, kh, kw) tap from a pixel's top-left tap in the (padded) planes.</summary>
    private static void TapOffsets(ConvGemmGeometry geo, int kb, int kc, int* taps)
    {
        var win = geo.Window;
        int kH = win.Kernel[1], kW = win.Kernel[2], kernelSize = win.KernelSize;
        int stepD = win.Dilations[0] * geo.PlaneH * geo.PlaneW, stepH = win.Dilations[1] * geo.PlaneW, stepW = win.Dilations[2];
        // Divide once for the first row, then step the tap counters (a division per row cost more than the packing it serves).
        int channel = kb / kernelSize, tap = kb - channel * kernelSize;
        int kd = tap / (kH * kW), kh = tap / kW % kH, kw = tap % kW;
        for (int kk = 0; kk < kc; kk++)
        {
            taps[kk] = channel * geo.PlanePixels + kd * stepD + kh * stepH + kw * stepW;
            if (++kw == kW)
            {
                kw = 0;
                if (++kh == kH)
                {
                    kh = 0;
                    if ((++kd) * kH * kW == kernelSize)
                    {
                        kd = 0;
                        channel++;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs col[kb..kb+kc, block pixels] (the im2col matrix, never materialised) as column panels
    /// of <paramref name="nr"/> pixels, each kc rows of nr values; the last panel's missing pixels
    /// are zero. Run-major: each run's copy shape is chosen once, then repeated down the K rows
    /// through the tap table (small images have runs of a few pixels, so per-run overhead dominates
    /// otherwise). Every tap read lies inside the (padded) planes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPixels(int stride, float* x, int* taps, int kc, int* runs, int runCount, int pixels, int nr, float* dst)
    {
        int panelStride = kc * nr, tail = pixels % nr;
        for (int r = 0; r < runCount; r++)
        {
            int* run = runs + 4 * r;
            float* src = x + run[0];
            float* d = dst + run[2] * panelStride + run[3];
            int n = run[1];
            if (stride != 1)
            {
                for (int kk = 0; kk < kc; kk++)
                    GatherRun(src + taps[kk], stride, 0, n, d + kk * nr);
            }
            else if (n == 8 && Vector256.IsHardwareAccelerated)
            {
                for (int kk = 0; kk < kc; kk++)
                    Vector256.Store(Vector256.Load(src + taps[kk]), d + kk * nr);
            }
            else if (n == 4 && Vector128.IsHardwareAccelerated)
            {
                for (int kk = 0; kk < kc; kk++)
                    Vector128.Store(Vector128.Load(src + taps[kk]), d + kk * nr);
            }
            else if (n == nr)
            {
                int w = TOps.Width;
                for (int kk = 0; kk < kc; kk++)
                {
                    float* s = src + taps[kk];
                    TOps.Store(d + kk * nr, TOps.Load(s));
                    TOps.Store(d + kk * nr + w, TOps.Load(s + w));
                }
            }
            else
            {
                for (int kk = 0; kk < kc; kk++)
                    CopyRun(src + taps[kk], d + kk * nr, n);
            }
        }
        if (tail != 0)
        {
            float* last = dst + pixels / nr * panelStride + tail;
            for (int kk = 0; kk < kc; kk++)
                new Span<float>(last + kk * nr, nr - tail).Clear();
        }
    }

    /// <summary>Copies a short run with whole vectors; a run longer than one vector ends with a vector overlapping the previous one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(float* src, float* dst, int count)
    {
        int w = TOps.Width;
        if (count >= w)
        {
            int i0 = 0;
            for (; i0 + w < count; i0 += w)
                TOps.Store(dst + i0, TOps.Load(src + i0));
            TOps.Store(dst + count - w, TOps.Load(src + count - w));
        }
        else if (count >= 4 && Vector128.IsHardwareAccelerated)
        {
            for (int i = 0; i + 4 < count; i += 4)
                Vector128.Store(Vector128.Load(src + i), dst + i);
            Vector128.Store(Vector128.Load(src + count - 4), dst + count - 4);
        }
        else
        {
            for (int i = 0; i < count; i++)
                dst[i] = src[i];
        }
    }

    /// <summary>dst[o] = src[o·stride] for o in [from, to): stride 2 (downsampling convs) deinterleaves 8 at a time on AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// An 8×2W tile: 16 accumulators, which only AVX-512's 32 vector registers hold; a 32-channel
    /// layer fills four panels exactly where 6-row panels compute 36 rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel8(int kc, float* a, float* b, float* tile)
    {
        int w = TOps.Width, nr = 2 * w;
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c10 = TOps.Zero, c11 = TOps.Zero, c20 = TOps.Zero, c21 = TOps.Zero, c30 = TOps.Zero, c31 = TOps.Zero;
        TVec c40 = TOps.Zero, c41 = TOps.Zero, c50 = TOps.Zero, c51 = TOps.Zero, c60 = TOps.Zero, c61 = TOps.Zero, c70 = TOps.Zero, c71 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = TOps.Load(b);
            var b1 = TOps.Load(b + w);
            var x = TOps.Broadcast(a[0]);
            c00 = TOps.MultiplyAdd(x, b0, c00);
            c01 = TOps.MultiplyAdd(x, b1, c01);
            x = TOps.Broadcast(a[1]);
            c10 = TOps.MultiplyAdd(x, b0, c10);
            c11 = TOps.MultiplyAdd(x, b1, c11);
            x = TOps.Broadcast(a[2]);
            c20 = TOps.MultiplyAdd(x, b0, c20);
            c21 = TOps.MultiplyAdd(x, b1, c21);
            x = TOps.Broadcast(a[3]);
            c30 = TOps.MultiplyAdd(x, b0, c30);
            c31 = TOps.MultiplyAdd(x, b1, c31);
            x = TOps.Broadcast(a[4]);
            c40 = TOps.MultiplyAdd(x, b0, c40);
            c41 = TOps.MultiplyAdd(x, b1, c41);
            x = TOps.Broadcast(a[5]);
            c50 = TOps.MultiplyAdd(x, b0, c50);
            c51 = TOps.MultiplyAdd(x, b1, c51);
            x = TOps.Broadcast(a[6]);
            c60 = TOps.MultiplyAdd(x, b0, c60);
            c61 = TOps.MultiplyAdd(x, b1, c61);
            x = TOps.Broadcast(a[7]);
            c70 = TOps.MultiplyAdd(x, b0, c70);
            c71 = TOps.MultiplyAdd(x, b1, c71);
            a += MaxRows;
            b += nr;
        }
        TOps.Store(tile, c00); TOps.Store(tile + w, c01);
        TOps.Store(tile + nr, c10); TOps.Store(tile + nr + w, c11);
        TOps.Store(tile + 2 * nr, c20); TOps.Store(tile + 2 * nr + w, c21);
        TOps.Store(tile + 3 * nr, c30); TOps.Store(tile + 3 * nr + w, c31);
        TOps.Store(tile + 4 * nr, c40); TOps.Store(tile + 4 * nr + w, c41);
        TOps.Store(tile + 5 * nr, c50); TOps.Store(tile + 5 * nr + w, c51);
        TOps.Store(tile + 6 * nr, c60); TOps.Store(tile + 6 * nr + w, c61);
        TOps.Store(tile + 7 * nr, c70); TOps.Store(tile + 7 * nr + w, c71);
    }

    /// <summary>Writes a rows×nr tile into row-major C: bias on the first K block, C added on later ones, clamp on the last.</summary>
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
        // Whole vectors first: a tile split where small images meet (16-pixel images, two to a 32-pixel panel) is mostly vectors.
        int vectorCols = cols / w * w;
        var vmin = TOps.Broadcast(activation.Min);
        var vmax = TOps.Broadcast(activation.Max);
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + (long)r * cStride;
            float add = first && bias != null ? bias[r] : 0f;
            var vadd = TOps.Broadcast(add);
            for (int j = 0; j < vectorCols; j += w)
            {
                var v = TOps.Add(TOps.Load(tile + r * nr + j), first ? vadd : TOps.Load(cr + j));
                TOps.Store(cr + j, clamp ? TOps.Clamp(v, vmin, vmax) : v);
            }
            for (int j = vectorCols; j < cols; j++)
            {
                float v = tile[r * nr + j] + (first ? add : cr[j]);
                cr[j] = Math.Min(Math.Max(v, min), max);
            }
        }
    }
}

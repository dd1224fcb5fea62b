using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Edge.Runtime.Operators.NN;

/// <summary>The loops of <see cref="DirectFloatConvolution"/>: the padded copy of X, then the 3×8 register tiles.</summary>
internal static unsafe class DirectFloatConvolutionKernels
{
    private const int Lanes = DirectFloatConvolution.Lanes;
    private const int Rows = DirectFloatConvolution.Rows;

    /// <summary>How many pixel vectors a tile holds, as a type so that each width compiles to its own loop.</summary>
    private interface ITileWidth
    {
        static abstract int Count { get; }
    }

    private struct One : ITileWidth { public static int Count => 1; }

    private struct Two : ITileWidth { public static int Count => 2; }

    private struct Three : ITileWidth { public static int Count => 3; }

    /// <summary>Where a channel block stands among a tile's blocks, which decides what its sums become.</summary>
    private enum BlockPhase
    {
        Only,
        First,
        Middle,
        Last,
    }

    /// <summary>What one tile reads and writes: per pixel vector its input copy, column masks, output and valid lanes.</summary>
    private struct TileOperands
    {
        public float* Input0, Input1, Input2, Mask0, Mask1, Mask2, Output0, Output1, Output2;
        public int Count0, Count1, Count2;
        public float* Weights;
        public float* Bias;
        public int Rows;

        public void SetVector(int i, float* input, float* mask, float* output, int count)
        {
            switch (i)
            {
                case 0: Input0 = input; Mask0 = mask; Output0 = output; Count0 = count; break;
                case 1: Input1 = input; Mask1 = mask; Output1 = output; Count1 = count; break;
                default: Input2 = input; Mask2 = mask; Output2 = output; Count2 = count; break;
            }
        }
    }

    /// <summary>Copies input planes [start, end) (plane = image × channel) between the zeros of the vertical padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyPlanes(in DirectFloatConvolutionJob job, int start, int end)
    {
        var geo = job.Geometry;
        int pixels = geo.Height * geo.Width, lead = geo.Lead, stride = geo.PlaneStride;
        // Vector stores inline, no calls: the planes of small images are a few vectors each (a 4x4 one is two), so
        // per-plane Clear/CopyTo calls cost more than the moves (about 10 of conv3's 45 us in the digits teacher).
        var zero = Vector512<float>.Zero;
        for (int plane = start; plane < end; plane++)
        {
            float* dst = job.Padded + (long)plane * stride, src = job.X + (long)plane * pixels;
            for (int i = 0; i < stride; i += Lanes)
                zero.Store(dst + i);
            float* data = dst + lead;
            if (pixels < Lanes)
            {
                for (int i = 0; i < pixels; i++)
                    data[i] = src[i];
                continue;
            }
            int j = 0;
            for (; j + Lanes <= pixels; j += Lanes)
                Vector512.Load(src + j).Store(data + j);
            // The ragged end: the last 16 values again, overlapping what is already there with the same values.
            if (j < pixels)
                Vector512.Load(src + pixels - Lanes).Store(data + pixels - Lanes);
        }
    }

    /// <summary>Copies the planes of images [start, end), then runs their pixel vectors (one thread's share when the batch is split).</summary>
    public static void RunImages(in DirectFloatConvolutionJob job, int start, int end)
    {
        var geo = job.Geometry;
        int channels = geo.Groups * geo.ChannelsPerGroup;
        CopyPlanes(in job, start * channels, end * channels);
        RunVectors(in job, start * geo.Blocks, end * geo.Blocks);
    }

    /// <summary>
    /// Runs pixel vectors [start, end) (vector = image × block of 16 output pixels) against every
    /// output channel: per group, tiles of 3 vectors, each against every block of 8 channels in turn
    /// while its inputs are in L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void RunVectors(in DirectFloatConvolutionJob job, int start, int end)
    {
        var geo = job.Geometry;
        int channels = geo.Groups * geo.ChannelsPerGroup, outputChannels = geo.Groups * geo.MPerGroup;
        float* bias = stackalloc float[Rows];
        Vector512<float>* partial = stackalloc Vector512<float>[DirectFloatConvolution.Vectors * Rows];
        var tile = new TileOperands();
        for (int g = 0; g < geo.Groups; g++)
            for (int first = start; first < end; first += DirectFloatConvolution.Vectors)
                for (int block = 0; block < geo.RowBlocks; block++)
                {
                    int m0 = g * geo.MPerGroup + block * Rows, rows = Math.Min(Rows, geo.MPerGroup - block * Rows);
                    for (int r = 0; r < Rows; r++)
                        bias[r] = r < rows && job.Bias != null ? job.Bias[m0 + r] : 0f;
                    int count = Math.Min(DirectFloatConvolution.Vectors, end - first);
                    for (int i = 0; i < count; i++)
                    {
                        int n = (first + i) / geo.Blocks, b = first + i - n * geo.Blocks;
                        tile.SetVector(i, job.Padded + ((long)n * channels + g * geo.ChannelsPerGroup) * geo.PlaneStride + geo.Lead + b * Lanes,
                            job.Masks + b * geo.KernelWidth * Lanes, job.Y + ((long)n * outputChannels + m0) * geo.OutPixels + b * Lanes,
                            Math.Min(Lanes, geo.OutPixels - b * Lanes));
                    }
                    tile.Weights = job.Weights + ((long)g * geo.RowBlocks + block) * job.StepCount * Rows;
                    tile.Bias = bias;
                    tile.Rows = rows;
                    // Channel blocks one after another, each summed on its own and added into the total (ORT's order).
                    for (int done = 0; done < job.StepCount; done += job.BlockSteps)
                    {
                        int stop = Math.Min(job.StepCount, done + job.BlockSteps);
                        var phase = done == 0 ? (stop == job.StepCount ? BlockPhase.Only : BlockPhase.First) : stop == job.StepCount ? BlockPhase.Last : BlockPhase.Middle;
                        switch (count)
                        {
                            case 3: Tile<Three>(ref tile, in job, done, stop, phase, partial); break;
                            case 2: Tile<Two>(ref tile, in job, done, stop, phase, partial); break;
                            default: Tile<One>(ref tile, in job, done, stop, phase, partial); break;
                        }
                    }
                }
    }

    /// <summary>
    /// Steps [start, stop) (one block of input channels) of a tile of <typeparamref name="TWidth"/> pixel
    /// vectors × 8 output channels, summed from zero in registers (the unused accumulators of narrower
    /// tiles compile away); then, by <paramref name="phase"/>, kept in <paramref name="partial"/> or added
    /// to it, and for the last block biased, clamped and stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TWidth>(ref TileOperands tile, in DirectFloatConvolutionJob job, int start, int stop, BlockPhase phase, Vector512<float>* partial)
        where TWidth : struct, ITileWidth
    {
        int* steps = job.Steps;
        float* w = tile.Weights + (long)start * Rows;
        float* x0 = tile.Input0, x1 = tile.Input1, x2 = tile.Input2, m0 = tile.Mask0, m1 = tile.Mask1, m2 = tile.Mask2;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default, c06 = default, c07 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c24 = default, c25 = default, c26 = default, c27 = default;
        for (int t = start; t < stop; t++, w += Rows)
        {
            int offset = steps[2 * t], mask = steps[2 * t + 1];
            var a0 = Vector512.Load(x0 + offset) & Vector512.Load(m0 + mask);
            var a1 = TWidth.Count > 1 ? Vector512.Load(x1 + offset) & Vector512.Load(m1 + mask) : default;
            var a2 = TWidth.Count > 2 ? Vector512.Load(x2 + offset) & Vector512.Load(m2 + mask) : default;
            var k = Vector512.Create(w[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, k, c00);
            if (TWidth.Count > 1) c10 = Vector512.FusedMultiplyAdd(a1, k, c10);
            if (TWidth.Count > 2) c20 = Vector512.FusedMultiplyAdd(a2, k, c20);
            k = Vector512.Create(w[1]);
            c01 = Vector512.FusedMultiplyAdd(a0, k, c01);
            if (TWidth.Count > 1) c11 = Vector512.FusedMultiplyAdd(a1, k, c11);
            if (TWidth.Count > 2) c21 = Vector512.FusedMultiplyAdd(a2, k, c21);
            k = Vector512.Create(w[2]);
            c02 = Vector512.FusedMultiplyAdd(a0, k, c02);
            if (TWidth.Count > 1) c12 = Vector512.FusedMultiplyAdd(a1, k, c12);
            if (TWidth.Count > 2) c22 = Vector512.FusedMultiplyAdd(a2, k, c22);
            k = Vector512.Create(w[3]);
            c03 = Vector512.FusedMultiplyAdd(a0, k, c03);
            if (TWidth.Count > 1) c13 = Vector512.FusedMultiplyAdd(a1, k, c13);
            if (TWidth.Count > 2) c23 = Vector512.FusedMultiplyAdd(a2, k, c23);
            k = Vector512.Create(w[4]);
            c04 = Vector512.FusedMultiplyAdd(a0, k, c04);
            if (TWidth.Count > 1) c14 = Vector512.FusedMultiplyAdd(a1, k, c14);
            if (TWidth.Count > 2) c24 = Vector512.FusedMultiplyAdd(a2, k, c24);
            k = Vector512.Create(w[5]);
            c05 = Vector512.FusedMultiplyAdd(a0, k, c05);
            if (TWidth.Count > 1) c15 = Vector512.FusedMultiplyAdd(a1, k, c15);
            if (TWidth.Count > 2) c25 = Vector512.FusedMultiplyAdd(a2, k, c25);
            k = Vector512.Create(w[6]);
            c06 = Vector512.FusedMultiplyAdd(a0, k, c06);
            if (TWidth.Count > 1) c16 = Vector512.FusedMultiplyAdd(a1, k, c16);
            if (TWidth.Count > 2) c26 = Vector512.FusedMultiplyAdd(a2, k, c26);
            k = Vector512.Create(w[7]);
            c07 = Vector512.FusedMultiplyAdd(a0, k, c07);
            if (TWidth.Count > 1) c17 = Vector512.FusedMultiplyAdd(a1, k, c17);
            if (TWidth.Count > 2) c27 = Vector512.FusedMultiplyAdd(a2, k, c27);
        }
        Finish<TWidth>(ref tile, in job, phase, partial, 0, c00, c10, c20);
        Finish<TWidth>(ref tile, in job, phase, partial, 1, c01, c11, c21);
        Finish<TWidth>(ref tile, in job, phase, partial, 2, c02, c12, c22);
        Finish<TWidth>(ref tile, in job, phase, partial, 3, c03, c13, c23);
        Finish<TWidth>(ref tile, in job, phase, partial, 4, c04, c14, c24);
        Finish<TWidth>(ref tile, in job, phase, partial, 5, c05, c15, c25);
        Finish<TWidth>(ref tile, in job, phase, partial, 6, c06, c16, c26);
        Finish<TWidth>(ref tile, in job, phase, partial, 7, c07, c17, c27);
    }

    /// <summary>
    /// One output channel's row of a tile after a channel block: kept or added into the total, or (last
    /// block) the earlier blocks' total, then the bias, then the activation — ORT's epilogue order — stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TWidth>(ref TileOperands tile, in DirectFloatConvolutionJob job, BlockPhase phase, Vector512<float>* partial, int row,
        Vector512<float> v0, Vector512<float> v1, Vector512<float> v2)
        where TWidth : struct, ITileWidth
    {
        if (row >= tile.Rows)
            return;
        Vector512<float>* p0 = partial + row, p1 = partial + Rows + row, p2 = partial + 2 * Rows + row;
        switch (phase)
        {
            case BlockPhase.First:
                *p0 = v0;
                if (TWidth.Count > 1) *p1 = v1;
                if (TWidth.Count > 2) *p2 = v2;
                return;
            case BlockPhase.Middle:
                *p0 = v0 + *p0;
                if (TWidth.Count > 1) *p1 = v1 + *p1;
                if (TWidth.Count > 2) *p2 = v2 + *p2;
                return;
            case BlockPhase.Last:
                v0 += *p0;
                if (TWidth.Count > 1) v1 += *p1;
                if (TWidth.Count > 2) v2 += *p2;
                break;
        }
        var b = Vector512.Create(tile.Bias[row]);
        long offset = (long)row * job.Geometry.OutPixels;
        v0 += b;
        v1 += b;
        v2 += b;
        if (job.Clamp)
        {
            // x86 max/min as MLAS's activations use them: a NaN sum becomes the lower bound (Relu: 0), as in ORT.
            var lo = Vector512.Create(job.Lower);
            var hi = Vector512.Create(job.Upper);
            v0 = Avx512F.Min(Avx512F.Max(v0, lo), hi);
            v1 = Avx512F.Min(Avx512F.Max(v1, lo), hi);
            v2 = Avx512F.Min(Avx512F.Max(v2, lo), hi);
        }
        StoreVector(v0, tile.Output0 + offset, tile.Count0);
        if (TWidth.Count > 1) StoreVector(v1, tile.Output1 + offset, tile.Count1);
        if (TWidth.Count > 2) StoreVector(v2, tile.Output2 + offset, tile.Count2);
    }

    /// <summary>Stores the first <paramref name="count"/> lanes (all 16, some, or none for a padding slot).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreVector(Vector512<float> value, float* destination, int count)
    {
        if (count == Lanes)
        {
            value.Store(destination);
            return;
        }
        // The ragged end of an image (no stackalloc here: it would stop this from inlining).
        for (int i = 0; i < count; i++)
            destination[i] = value.GetElement(i);
    }
}

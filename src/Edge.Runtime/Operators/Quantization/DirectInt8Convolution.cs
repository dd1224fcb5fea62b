using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Edge.Runtime.Backends.Cpu.Jit;
using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// Int8 convolution with symmetric int8 weights (all weight zero points 0) on generated AVX-512 VNNI kernels that read
/// the input in place: each group's image is copied once per run into stride-phase planes with four channels interleaved
/// per pixel (<see cref="QuadImage"/>), from which a tap's operand over 32 wide output pixels is 128 contiguous bytes.
/// There is no per-tile patch packing and, the weights being symmetric, no column sums: with b″ the stored uint8
/// (x, or x XOR 0x80 for int8 x), Σ w·(x − x_zp) = Σ w·b″ + q·Σw with q = β − x_zp, and q·Σw goes into the bias.
/// Small images of a batch go several to a tile: their tap rows are copied into one compact operand (an im2col of 4-byte
/// pixels) that the same kernels read, so no work is spent on dropped columns or half-empty panels.
/// Threads split the output channels, so each keeps its share of the weights hot and none waits on another.
/// </summary>
internal sealed unsafe class DirectInt8Convolution
{
    /// <summary>Accumulator bytes a tile may use (all output channels of the group × the tile's pixels).</summary>
    private const int TileBytes = 128 * 1024;

    /// <summary>Output channels below which a thread is not worth its start-up.</summary>
    private const int MinChannelsPerThread = 8;

    /// <summary>Pixels of a tile at most: the sink requantizes a tile's row on the stack.</summary>
    internal const int MaxTilePixels = 2048;

    /// <summary>Output pixels per image below which a batch's images go several to a tile.</summary>
    private const int CompactBelowPixels = 256;

    /// <summary>Bytes the compact operand of a tile may use.</summary>
    private const int CompactBytes = 256 * 1024;

    /// <summary>
    /// Threads that may split a compact tile's images, each filling, computing and storing its own images in its own
    /// workspace region: what one thread wrote, the same thread reads, so no cache lines cross cores mid-layer.
    /// </summary>
    private const int MaxImageWorkers = 4;

    /// <summary>Quad-image bytes from which its fill is split across the threads (below, waking them costs more).</summary>
    private const int ParallelFillBytes = 32 * 1024;

    /// <summary>The largest strided-row scratch a fill thread takes on its stack.</summary>
    private const int MaxStackGatherBytes = 16 * 1024;

    /// <summary>Quad-taps up to which one kernel call lasts microseconds at most (≤ 12 vpdpbusd each, ~1 a cycle).</summary>
    private const int ShortCallQuads = 4096;

    private readonly ConvGeometry _g;
    private readonly QuadImage _image;
    private readonly byte[] _weights;
    private readonly int[] _weightSums;
    private readonly int _weightStride, _tilePixels;
    private readonly nint[] _kernels;

    /// <summary>Small images go several to a tile in a compact layout (0: one image at a time, wide rows).</summary>
    private readonly int _imagesPerTile;

    /// <summary>The compact layout: per (quad, tap) a row of 4-byte pixels over the tile's images, <see cref="_compactStride"/> pixels long.</summary>
    private readonly int _compactStride;
    private readonly nint[]? _compactKernels;

    private DirectInt8Convolution(ConvGeometry geometry, ReadOnlySpan<byte> weights, nint[] kernels, QuadImage image)
    {
        _g = geometry;
        _image = image;
        _kernels = kernels;
        int taps = geometry.KernelH * geometry.KernelW, quads = image.Quads, cpg = geometry.ChannelsPerGroup, k = geometry.PatchSize;
        _weightStride = (quads * taps * 4 + 63) & ~63;
        _weights = new byte[geometry.OutChannels * _weightStride];
        _weightSums = new int[geometry.OutChannels];
        // Weight row order (quad, tap, channel in quad): the kernel's dword broadcast per tap then meets the image's interleaved quad.
        for (int m = 0; m < geometry.OutChannels; m++)
        {
            var source = weights.Slice(m * k, k);
            var row = _weights.AsSpan(m * _weightStride, _weightStride);
            int sum = 0;
            for (int c = 0; c < cpg; c++)
                for (int t = 0; t < taps; t++)
                {
                    sbyte value = (sbyte)source[c * taps + t];
                    row[((c / 4 * taps) + t) * 4 + c % 4] = (byte)value;
                    sum += value;
                }
            _weightSums[m] = sum;
        }
        int allPixels = (image.WidePixels + VnniDirectConvGenerator.PanelWidth - 1) & ~(VnniDirectConvGenerator.PanelWidth - 1);
        _tilePixels = Math.Clamp(TileBytes / (4 * Math.Max(geometry.OutChannelsPerGroup, 1)) & ~(VnniDirectConvGenerator.PanelWidth - 1),
            VnniDirectConvGenerator.PanelWidth, Math.Min(allPixels, MaxTilePixels));
        // Small images of a batch: wide rows and a last partial panel per image would waste much of the work, so each tile
        // copies its images' tap rows into one compact operand (an im2col of 4-byte pixels), which the same kernel reads.
        if (geometry.Batch > 1 && geometry.OutPixels < CompactBelowPixels)
        {
            int perTile = Math.Min(Math.Min(TileBytes / (4 * Math.Max(geometry.OutChannelsPerGroup, 1)), CompactBytes / (4 * quads * taps)), MaxTilePixels);
            int images = Math.Clamp(perTile / geometry.OutPixels, 1, geometry.Batch);
            int stride = OddPanels((images * geometry.OutPixels + VnniDirectConvGenerator.PanelWidth - 1) / VnniDirectConvGenerator.PanelWidth);
            _compactKernels = DirectConvCode.Get(Enumerable.Range(0, taps).Select(t => t * stride * 4).ToArray(), taps * stride * 4);
            if (_compactKernels is not null)
                (_imagesPerTile, _compactStride) = (images, stride);
        }
    }

    /// <summary>
    /// Pixels of an odd number of panels (at least <paramref name="panels"/>): rows 4 KiB apart (32 panels) would fall in one
    /// L1 set, and the kernel reads a tap row of each quad and tap while writing a row of each output channel.
    /// </summary>
    private static int OddPanels(int panels) => (panels | 1) * VnniDirectConvGenerator.PanelWidth;

    /// <summary>
    /// The engine for int8 <paramref name="weights"/> with all zero points 0, or null where it does not apply or pay:
    /// no generated VNNI code on this CPU, or several groups of under 3 channels (a quad would then be mostly padding in
    /// every group). One group of 1 or 2 channels (a grayscale or two-plane first layer) still pays: its quad is mostly
    /// padding, but the packed engine spent more on im2col (digits' first conv at batch 16: 18.7 → 12.8 µs).
    /// </summary>
    public static DirectInt8Convolution? TryCreate(ConvGeometry geometry, ReadOnlySpan<byte> weights)
    {
        if (geometry.ChannelsPerGroup < 1 || (geometry.ChannelsPerGroup < 3 && geometry.Group > 1) || geometry.OutChannelsPerGroup < 1 || !Int8Gemm.IsSupported(Int8GemmVariant.Avx512Vnni))
            return null;
        QuadImage image;
        try
        {
            image = new QuadImage(geometry);
        }
        catch (OverflowException)
        {
            // An image whose quad layout passes 2 GiB stays on the packed engine, which tiles it.
            return null;
        }
        var kernels = DirectConvCode.Get(image.TapOffsets, image.QuadBytes);
        return kernels is null ? null : new DirectInt8Convolution(geometry, weights, kernels, image);
    }

    /// <summary>
    /// The quad image, the gather rows, the compact operand, the accumulators of one tile and the per-channel offsets;
    /// for compact tiles, a region of all but the offsets for each further thread that takes a share of the tile's images.
    /// </summary>
    public int WorkspaceBytes => BaseBytes + (_imagesPerTile > 1 ? (MaxImageWorkers - 1) * RegionBytes : 0);

    private int BaseBytes => Align(AccumulatorOffset + _g.OutChannelsPerGroup * AccumulatorStride * sizeof(int) + _g.OutChannelsPerGroup * sizeof(int));

    private int RegionBytes => Align(AccumulatorOffset + _g.OutChannelsPerGroup * AccumulatorStride * sizeof(int));

    private byte* RegionOf(byte* workspace, int worker) => worker == 0 ? workspace : workspace + BaseBytes + (nint)(worker - 1) * RegionBytes;

    private int CompactOffset => Align(_image.Bytes) + Align(_image.GatherBytes);

    private int CompactOperandBytes => _imagesPerTile > 0 ? Align(_image.Quads * _g.KernelH * _g.KernelW * _compactStride * 4 + 64) : 0;

    private int AccumulatorOffset => CompactOffset + CompactOperandBytes;

    private int AccumulatorStride => _imagesPerTile > 0 ? _compactStride : _tilePixels;

    private static int Align(int bytes) => (bytes + 63) & ~63;

    /// <summary>Runs the convolution; <paramref name="sink"/> must be a local of the caller (the threads reach it through its stack address).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<TSink>(ReadOnlySpan<byte> x, bool xSigned, int xZero, byte[] workspace, ParallelRunner parallel, ref TSink sink)
        where TSink : struct, IConvolutionSink, allows ref struct
    {
        var g = _g;
        int n = g.OutChannelsPerGroup, imageSize = g.Height * g.Width;
        var quadImage = workspace.AsSpan(0, _image.Bytes);
        var gather = workspace.AsSpan(Align(_image.Bytes), _image.GatherBytes);
        var offsets = MemoryMarshal.Cast<byte, int>(workspace.AsSpan(AccumulatorOffset + n * AccumulatorStride * sizeof(int), n * sizeof(int)));
        byte flip = xSigned ? (byte)0x80 : (byte)0;
        int q = (xSigned ? -128 : 0) - xZero;
        int workers = Math.Clamp(n / MinChannelsPerThread, 1, parallel.Threads);
        fixed (byte* workspaceFixed = workspace)
        fixed (byte* weightsFixed = _weights)
        fixed (nint* kernelsFixed = _kernels)
        {
            var job = new Job
            {
                Sink = Unsafe.AsPointer(ref sink), Kernels = kernelsFixed, Image = workspaceFixed, Accumulators = (int*)(workspaceFixed + AccumulatorOffset),
                Offsets = (int*)(workspaceFixed + AccumulatorOffset + n * AccumulatorStride * sizeof(int)), WeightStride = _weightStride, Quads = _image.Quads, Channels = n, Workers = workers,
                TilePixels = _tilePixels, WidePixels = _image.WidePixels, RowWidth = _image.RowWidth,
                ShortCalls = (long)_image.Quads * g.KernelH * g.KernelW <= ShortCallQuads,
            };
            if (_imagesPerTile > 0)
            {
                fixed (nint* compactKernelsFixed = _compactKernels)
                {
                    job.Kernels = compactKernelsFixed;
                    job.Image = workspaceFixed + CompactOffset;
                    job.TilePixels = _compactStride;
                    job.RowWidth = g.OutW;
                    job.ImagePixels = g.OutPixels;
                    for (int grp = 0; grp < g.Group; grp++)
                    {
                        for (int m = 0; m < n; m++)
                            offsets[m] = unchecked(q * _weightSums[grp * n + m]);
                        job.Weights = weightsFixed + (nint)grp * n * _weightStride;
                        job.Group = grp;
                        for (int b0 = 0; b0 < g.Batch; b0 += _imagesPerTile)
                        {
                            int images = Math.Min(_imagesPerTile, g.Batch - b0);
                            int imageWorkers = Math.Min(Math.Min(parallel.Threads, MaxImageWorkers), images);
                            if (imageWorkers > 1)
                            {
                                fixed (byte* xFixed = x)
                                {
                                    var share = new ImageShareJob
                                    {
                                        Owner = this, Template = job, Workspace = workspaceFixed, X = xFixed, Images = images, FirstImage = b0, Group = grp,
                                        Pad = (byte)(xZero ^ flip), Flip = flip, FirstPass = grp == 0 && b0 == 0, Workers = imageWorkers,
                                    };
                                    parallel.For(imageWorkers, 1, in share, &RunImageShares<TSink>);
                                }
                                continue;
                            }
                            for (int i = 0; i < images; i++)
                            {
                                var image = x.Slice(((b0 + i) * g.Channels + grp * g.ChannelsPerGroup) * imageSize, g.ChannelsPerGroup * imageSize);
                                _image.Fill(image, (byte)(xZero ^ flip), flip, quadImage, gather, grp == 0 && b0 == 0 && i == 0, 0, _image.Quads);
                                CopyCompact(workspaceFixed, workspaceFixed + CompactOffset, i);
                            }
                            job.Batch = b0;
                            job.Images = images;
                            job.WidePixels = images * g.OutPixels;
                            if (workers > 1)
                                parallel.For(workers, 1, in job, &RunWorkers<TSink>);
                            else
                                RunWorkers<TSink>(in job, 0, 1);
                        }
                    }
                }
                return;
            }
            for (int b = 0; b < g.Batch; b++)
                for (int grp = 0; grp < g.Group; grp++)
                {
                    var image = x.Slice((b * g.Channels + grp * g.ChannelsPerGroup) * imageSize, g.ChannelsPerGroup * imageSize);
                    byte pad = (byte)(xZero ^ flip);
                    bool fillPadding = b == 0 && grp == 0;
                    int fillers = Math.Min(workers, _image.Quads);
                    if (fillers > 1 && _image.Bytes >= ParallelFillBytes && _image.GatherBytes <= MaxStackGatherBytes)
                    {
                        fixed (byte* imageFixed = image)
                        {
                            var fill = new FillJob
                            {
                                Layout = _image, Image = imageFixed, ImageBytes = image.Length, Destination = workspaceFixed,
                                Pad = pad, Flip = flip, FillPadding = fillPadding, Workers = fillers,
                            };
                            parallel.For(fillers, 1, in fill, &FillQuads);
                        }
                    }
                    else
                    {
                        _image.Fill(image, pad, flip, quadImage, gather, fillPadding, 0, _image.Quads);
                    }
                    for (int m = 0; m < n; m++)
                        offsets[m] = unchecked(q * _weightSums[grp * n + m]);
                    job.Weights = weightsFixed + (nint)grp * n * _weightStride;
                    job.Batch = b;
                    job.Group = grp;
                    if (workers > 1)
                        parallel.For(workers, 1, in job, &RunWorkers<TSink>);
                    else
                        RunWorkers<TSink>(in job, 0, 1);
                }
        }
    }

    /// <summary>
    /// Copies image <paramref name="index"/> of the tile from the quad image to its columns of the compact operand: per (quad, tap)
    /// its output rows, 16 bytes at a time and the rest 4 at a time (rows are whole 4-byte pixels).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyCompact(byte* quadImage, byte* compact, int index)
    {
        var g = _g;
        int taps = g.KernelH * g.KernelW, rowBytes = g.OutW * 4, wideRowBytes = _image.RowWidth * 4;
        var tapOffsets = _image.TapOffsets;
        for (int quad = 0; quad < _image.Quads; quad++)
            for (int tap = 0; tap < taps; tap++)
            {
                byte* source = quadImage + quad * _image.QuadBytes + tapOffsets[tap];
                byte* target = compact + ((nint)(quad * taps + tap) * _compactStride + index * g.OutPixels) * 4;
                for (int oy = 0; oy < g.OutH; oy++, source += wideRowBytes, target += rowBytes)
                {
                    int c = 0;
                    for (; c + 16 <= rowBytes; c += 16)
                        Unsafe.WriteUnaligned(target + c, Unsafe.ReadUnaligned<Vector128<byte>>(source + c));
                    for (; c < rowBytes; c += 4)
                        Unsafe.WriteUnaligned(target + c, Unsafe.ReadUnaligned<uint>(source + c));
                }
            }
    }

    /// <summary>Workers [first, end) of an image-split compact tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunImageShares<TSink>(in ImageShareJob share, int first, int end)
        where TSink : struct, IConvolutionSink, allows ref struct
    {
        for (int worker = first; worker < end; worker++)
            share.Owner.RunImageShare<TSink>(in share, worker);
    }

    /// <summary>One worker's images of a compact tile, in its own region: filled, copied compact, computed over every output channel, stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunImageShare<TSink>(in ImageShareJob share, int worker)
        where TSink : struct, IConvolutionSink, allows ref struct
    {
        var g = _g;
        int start = share.Images * worker / share.Workers, end = share.Images * (worker + 1) / share.Workers;
        if (end == start)
            return;
        int imageSize = g.Height * g.Width;
        byte* region = RegionOf(share.Workspace, worker);
        var quadImage = new Span<byte>(region, _image.Bytes);
        var gather = new Span<byte>(region + Align(_image.Bytes), _image.GatherBytes);
        for (int i = start; i < end; i++)
        {
            var image = new ReadOnlySpan<byte>(share.X + (nint)((share.FirstImage + i) * g.Channels + share.Group * g.ChannelsPerGroup) * imageSize, g.ChannelsPerGroup * imageSize);
            // The region's padding is written on its first use in this run; later images overwrite only the interior.
            _image.Fill(image, share.Pad, share.Flip, quadImage, gather, share.FirstPass && i == start, 0, _image.Quads);
            CopyCompact(region, region + CompactOffset, i - start);
        }
        var job = share.Template;
        job.Image = region + CompactOffset;
        job.Accumulators = (int*)(region + AccumulatorOffset);
        job.Batch = share.FirstImage + start;
        job.Images = end - start;
        job.WidePixels = (end - start) * g.OutPixels;
        job.Workers = 1;
        RunWorkers<TSink>(in job, 0, 1);
    }

    /// <summary>Worker w's share of the channel quads of the quad image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void FillQuads(in FillJob job, int firstWorker, int endWorker)
    {
        Span<byte> gather = stackalloc byte[MaxStackGatherBytes];
        var layout = job.Layout;
        var image = new ReadOnlySpan<byte>(job.Image, job.ImageBytes);
        var destination = new Span<byte>(job.Destination, layout.Bytes);
        for (int worker = firstWorker; worker < endWorker; worker++)
        {
            int first = layout.Quads * worker / job.Workers, end = layout.Quads * (worker + 1) / job.Workers;
            if (end > first)
                layout.Fill(image, job.Pad, job.Flip, destination, gather[..layout.GatherBytes], job.FillPadding, first, end);
        }
    }

    /// <summary>Worker w's output channels over every tile: computed, then handed to the sink while still in cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void RunWorkers<TSink>(in Job job, int firstWorker, int endWorker)
        where TSink : struct, IConvolutionSink, allows ref struct
    {
        ref TSink sink = ref Unsafe.AsRef<TSink>(job.Sink);
        int tile = job.TilePixels, width = VnniDirectConvGenerator.PanelWidth;
        int* sizes = stackalloc int[64];
        for (int worker = firstWorker; worker < endWorker; worker++)
        {
            int first = (int)((long)job.Channels * worker / job.Workers), end = (int)((long)job.Channels * (worker + 1) / job.Workers);
            int count = end - first;
            if (count == 0)
                continue;
            // Near-equal blocks of at most MaxRows channels: 32 channels as 6,6,5,5,5,5 rather than five 6s and a 2.
            int blocks = (count + VnniDirectConvGenerator.MaxRows - 1) / VnniDirectConvGenerator.MaxRows;
            int* blockSizes = blocks <= 64 ? sizes : (int*)NativeMemory.Alloc((nuint)blocks * sizeof(int));
            for (int block = 0; block < blocks; block++)
                blockSizes[block] = count * (block + 1) / blocks - count * block / blocks;
            try
            {
                for (int j0 = 0; j0 < job.WidePixels; j0 += tile)
                {
                    int pixels = Math.Min(tile, job.WidePixels - j0);
                    for (int panel = 0; panel < pixels; panel += width)
                    {
                        byte* source = job.Image + (nint)(j0 + panel) * 4;
                        int row = first;
                        for (int block = 0; block < blocks; block++)
                        {
                            int rows = blockSizes[block];
                            byte* weights = job.Weights + (nint)row * job.WeightStride;
                            int* output = job.Accumulators + (nint)row * tile + panel;
                            // Skipping the GC transition holds off a GC suspension for the call, so only calls known to be short skip it.
                            if (job.ShortCalls)
                                ((delegate* unmanaged[SuppressGCTransition]<byte*, nint, byte*, nint, int*, nint, void>)job.Kernels[rows - 1])(
                                    weights, job.WeightStride, source, job.Quads, output, (nint)tile * sizeof(int));
                            else
                                ((delegate* unmanaged<byte*, nint, byte*, nint, int*, nint, void>)job.Kernels[rows - 1])(
                                    weights, job.WeightStride, source, job.Quads, output, (nint)tile * sizeof(int));
                            row += rows;
                        }
                    }
                    var accumulators = new ReadOnlySpan<int>(job.Accumulators + (nint)first * tile, (count - 1) * tile + pixels);
                    var offsets = new ReadOnlySpan<int>(job.Offsets + first, count);
                    if (job.Images == 0)
                        sink.StoreChannelRange(job.Batch, job.Group, first, count, j0, pixels, job.RowWidth, accumulators, tile, offsets, 1);
                    else
                        sink.StoreChannelRange(job.Batch, job.Group, first, count, 0, job.ImagePixels, job.RowWidth, accumulators, tile, offsets, job.Images);
                }
            }
            finally
            {
                if (blockSizes != sizes)
                    NativeMemory.Free(blockSizes);
            }
        }
    }

    /// <summary>One image's fill, split by channel quads (pointers valid while <see cref="Run"/>'s fixed blocks run).</summary>
    private struct FillJob
    {
        public QuadImage Layout;
        public byte* Image;
        public int ImageBytes;
        public byte* Destination;
        public byte Pad, Flip;
        public bool FillPadding;
        public int Workers;
    }

    /// <summary>A compact tile split by images: the run's job as a template and what each worker needs to fill its own region.</summary>
    private struct ImageShareJob
    {
        public DirectInt8Convolution Owner;
        public Job Template;
        public byte* Workspace;
        public byte* X;
        public int Images, FirstImage, Group, Workers;
        public byte Pad, Flip;
        public bool FirstPass;
    }

    /// <summary>One run's pinned operands for the workers (valid while <see cref="Run"/>'s fixed block runs).</summary>
    private struct Job
    {
        public void* Sink;
        public nint* Kernels;
        public byte* Weights;
        public byte* Image;
        public int* Accumulators;
        public int* Offsets;
        public nint WeightStride;
        public int Quads, Channels, Workers, TilePixels, WidePixels, RowWidth, Batch, Group;

        /// <summary>Images of a compact tile (0: one image's wide pixels), each <see cref="ImagePixels"/> output pixels.</summary>
        public int Images, ImagePixels;
        public bool ShortCalls;
    }
}

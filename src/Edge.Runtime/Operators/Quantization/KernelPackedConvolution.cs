using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// <see cref="PackedConvolution"/> on one panel kernel. With a = weights, b = patch values (flipped to int8 for
/// uint8 x: b = b' + β), the kernel's C = P + Σa'·q + p·r is exact for q = β − x_zp, p = α − w_zp[m] and
/// r[n] = Σ_k (b − x_zp); padding taps hold x_zp, so they add nothing, and r is only needed where some p ≠ 0.
/// </summary>
internal sealed class KernelPackedConvolution<TKernel> : PackedConvolution where TKernel : IInt8GemmKernel
{
    /// <summary>Patch bytes a tile aims at, so its rows, panels and accumulators stay in L2 with the weights streaming past.</summary>
    private const int TileBytes = 96 * 1024;

    /// <summary>Multiply-adds in a tile below which its panels stay on one thread.</summary>
    private const long ParallelThreshold = 1L << 20;

    private readonly ConvGeometry _g;
    private readonly byte[] _weights;
    private readonly int[] _rowSums;
    private readonly ConvPhaseLayout _layout;
    private readonly int[] _rowOffsets;
    private readonly int _aStride, _kPadded, _alpha, _tilePixels, _imagesPerTile, _compactStride;
    private readonly int[] _compactOffsets;
    private readonly bool _direct;

    public KernelPackedConvolution(ConvGeometry geometry, ReadOnlySpan<byte> weights, bool weightsSigned, bool batchImages)
    {
        _g = geometry;
        int k = geometry.PatchSize, width = TKernel.PanelWidth;
        _kPadded = (k + TKernel.KGroup - 1) / TKernel.KGroup * TKernel.KGroup;
        int elementBytes = TKernel.AForm == Int8GemmAForm.Int16 ? 2 : 1;
        _aStride = (Math.Max(1, _kPadded * elementBytes) + 63) & ~63;
        _weights = new byte[geometry.OutChannels * _aStride];
        _rowSums = new int[geometry.OutChannels];
        for (int oc = 0; oc < geometry.OutChannels; oc++)
            _rowSums[oc] = Int8GemmDriver.PrepareRow(weights.Slice(oc * k, k), weightsSigned, TKernel.AForm, _weights.AsSpan(oc * _aStride, _aStride));
        _alpha = TKernel.AForm switch
        {
            Int8GemmAForm.UInt8 => weightsSigned ? -128 : 0,
            Int8GemmAForm.SInt8 => weightsSigned ? 0 : 128,
            _ => 0,
        };
        _layout = new ConvPhaseLayout(geometry);
        // A 1×1 stride-1 unpadded kernel's operand rows are the input channels themselves.
        _direct = geometry is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadTop: 0, PadLeft: 0 } && geometry.OutH == geometry.Height && geometry.OutW == geometry.Width;
        _rowOffsets = _direct ? Enumerable.Range(0, k).Select(c => c * geometry.Height * geometry.Width).ToArray() : _layout.RowOffsets;
        int allPixels = (Math.Max(WidePixels, 1) + width - 1) / width * width;
        _tilePixels = Math.Clamp(TileBytes / Math.Max(_kPadded, 1) / width * width, width, allPixels);
        // Images filling under half a tile alone go several to a tile, in a compact pixel space.
        int outPixels = Math.Max(geometry.OutPixels, 1);
        _imagesPerTile = batchImages && 2 * WidePixels <= TileBytes / Math.Max(_kPadded, 1)
            ? Math.Clamp(TileBytes / Math.Max(_kPadded, 1) / outPixels, 1, geometry.Batch) : 1;
        _compactStride = _imagesPerTile > 1 ? _imagesPerTile * outPixels + sizeof(ulong) : 0;
        _compactOffsets = new int[_imagesPerTile > 1 ? k : 0];
        for (int kk = 0; kk < _compactOffsets.Length; kk++)
            _compactOffsets[kk] = kk * _compactStride;
        if (_imagesPerTile > 1)
            _tilePixels = (_compactStride + width - 1) / width * width;
    }

    public override int ImagesPerTile => _imagesPerTile;

    public override int TilePixels => _tilePixels;

    public override int RowWidth => _direct ? _g.OutW : _layout.RowWidth;

    public override int WidePixels => _g.OutH * RowWidth;

    public override int WorkspaceBytes =>
        ImageBytes + CompactBytes + Align(_kPadded * _tilePixels)
        + (_g.OutChannelsPerGroup * _tilePixels + _tilePixels + TKernel.PanelWidth + _g.OutChannelsPerGroup) * sizeof(int);

    /// <summary>The phase image and a panel of slack, so a last partial panel can be read whole.</summary>
    private int ImageBytes => _direct ? 0 : Align(_layout.Bytes + TKernel.PanelWidth);

    /// <summary>The compact operand rows of a tile of whole images (8 spare bytes each), and a panel of slack past the last.</summary>
    private int CompactBytes => _imagesPerTile > 1 ? Align(_g.PatchSize * _compactStride + TKernel.PanelWidth) : 0;

    private static int Align(int bytes) => (bytes + 63) & ~63;

    public override void PrepareImage(ReadOnlySpan<byte> image, int xZero, Span<byte> workspace)
    {
        if (!_direct)
            ConvPatchPacker.Phases(_g, _layout, image, (byte)xZero, workspace[.._layout.Bytes]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override ReadOnlySpan<int> Compute(ReadOnlySpan<byte> image, bool xSigned, int xZero, int group, ReadOnlySpan<int> weightZero,
        int firstPixel, int pixels, Span<byte> workspace, ParallelRunner parallel)
    {
        var rows = (_direct ? image : workspace[..(_layout.Bytes + TKernel.PanelWidth)])[firstPixel..];
        return Multiply(rows, _rowOffsets, !_direct, xSigned, xZero, group, weightZero, pixels, workspace, parallel);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override unsafe ReadOnlySpan<int> ComputeImages(ReadOnlySpan<byte> x, int firstImage, int images, bool xSigned, int xZero, int group, ReadOnlySpan<int> weightZero,
        Span<byte> workspace, ParallelRunner parallel)
    {
        var g = _g;
        int k = g.PatchSize, imageSize = g.Height * g.Width, outW = g.OutW, outH = g.OutH, outPixels = g.OutPixels, rowWidth = RowWidth;
        var compact = workspace.Slice(ImageBytes, CompactBytes);
        for (int i = 0; i < images; i++)
        {
            var image = x.Slice(((firstImage + i) * g.Channels + group * g.ChannelsPerGroup) * imageSize, g.ChannelsPerGroup * imageSize);
            if (!_direct)
                ConvPatchPacker.Phases(g, _layout, image, (byte)xZero, workspace[.._layout.Bytes], fillPadding: i == 0);
            ReadOnlySpan<byte> source = _direct ? image : workspace[.._layout.Bytes];
            if (rowWidth == outW)
            {
                for (int kk = 0; kk < k; kk++)
                    source.Slice(_rowOffsets[kk], outPixels).CopyTo(compact[(kk * _compactStride + i * outPixels)..]);
                continue;
            }
            fixed (byte* from = source)
            fixed (byte* to = compact)
            fixed (int* offsets = _rowOffsets)
            {
                // Output rows are a few bytes: 8-byte moves, each overrun rewritten by the next row or landing in a row's slack
                // (the phase image and the compact rows both end in spare bytes).
                nint stride = _compactStride;
                byte* target = to + i * outPixels;
                if (outW <= 8)
                {
                    for (int kk = 0; kk < k; kk++, target += stride)
                    {
                        byte* line = from + offsets[kk];
                        for (int oy = 0; oy < outH; oy++)
                            Unsafe.WriteUnaligned(target + oy * outW, Unsafe.ReadUnaligned<ulong>(line + oy * rowWidth));
                    }
                    continue;
                }
                for (int kk = 0; kk < k; kk++, target += stride)
                {
                    byte* line = from + offsets[kk], rowTarget = target;
                    for (int oy = 0; oy < outH; oy++, line += rowWidth, rowTarget += outW)
                        for (int c = 0; c < outW; c += 8)
                            Unsafe.WriteUnaligned(rowTarget + c, Unsafe.ReadUnaligned<ulong>(line + c));
                }
            }
        }
        return Multiply(compact, _compactOffsets, true, xSigned, xZero, group, weightZero, images * outPixels, workspace, parallel);
    }

    /// <summary>The tile's accumulators from its operand rows (tap kk's row at <paramref name="rowOffsets"/>[kk], pixel j at j past it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe ReadOnlySpan<int> Multiply(ReadOnlySpan<byte> rows, ReadOnlySpan<int> rowOffsets, bool overread, bool xSigned, int xZero, int group,
        ReadOnlySpan<int> weightZero, int pixels, Span<byte> workspace, ParallelRunner parallel)
    {
        var g = _g;
        int k = g.PatchSize, n = g.OutChannelsPerGroup, width = TKernel.PanelWidth, tile = _tilePixels;
        int offset = ImageBytes + CompactBytes;
        var panels = workspace.Slice(offset, _kPadded * tile);
        offset += Align(_kPadded * tile);
        var ints = MemoryMarshal.Cast<byte, int>(workspace.Slice(offset, (n * tile + tile + width + n) * sizeof(int)));
        var acc = ints[..(n * tile)];
        var r = ints.Slice(n * tile, tile);
        var q = ints.Slice(n * tile + tile, width);
        var p = ints.Slice(n * tile + tile + width, n);

        ConvPatchPacker.Panels(rows, rowOffsets, k, pixels, width, TKernel.KGroup, xSigned ? (byte)0 : (byte)0x80, panels, overread);
        bool needColumnSums = false;
        for (int m = 0; m < n; m++)
        {
            p[m] = _alpha - (weightZero.Length == 1 ? weightZero[0] : weightZero[m]);
            needColumnSums |= p[m] != 0;
        }
        r.Clear();
        if (needColumnSums)
            ConvPatchPacker.ColumnSums(rows, rowOffsets, k, pixels, xSigned, xZero, r);
        q.Fill((xSigned ? 0 : 128) - xZero);

        fixed (byte* weightsFixed = _weights)
        fixed (int* rowSumsFixed = _rowSums)
        fixed (byte* panelsFixed = panels)
        fixed (int* intsFixed = ints)
        {
            var job = new PanelJob
            {
                A = weightsFixed + (nint)group * n * _aStride, AStride = _aStride, Rows = n, RowSums = rowSumsFixed + group * n,
                Panels = panelsFixed, PanelBytes = (nint)_kPadded * width, KGroups = _kPadded / TKernel.KGroup,
                Acc = intsFixed, R = intsFixed + n * tile, Q = intsFixed + n * tile + tile, P = intsFixed + n * tile + tile + width,
                Stride = tile, Pixels = pixels,
            };
            int panelCount = (pixels + width - 1) / width;
            if (parallel.Threads > 1 && panelCount > 1 && (long)n * pixels * k >= ParallelThreshold)
                parallel.For(panelCount, 1, in job, &RunPanels);
            else
                RunPanels(in job, 0, panelCount);
        }
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RunPanels(in PanelJob job, int first, int end)
    {
        int width = TKernel.PanelWidth;
        for (int panel = first; panel < end; panel++)
        {
            int col0 = panel * width;
            TKernel.Run(job.A, job.AStride, job.Rows, job.Panels + panel * job.PanelBytes, job.KGroups,
                job.RowSums, job.P, job.Q, job.R + col0, job.Acc + col0, job.Stride, Math.Min(width, job.Pixels - col0));
        }
    }

    /// <summary>One tile's pinned operands (valid while <see cref="Compute"/>'s fixed block runs).</summary>
    private unsafe struct PanelJob
    {
        public byte* A;
        public nint AStride;
        public int Rows;
        public int* RowSums;
        public byte* Panels;
        public nint PanelBytes;
        public int KGroups;
        public int* Acc;
        public int* R;
        public int* Q;
        public int* P;
        public int Stride;
        public int Pixels;
    }
}

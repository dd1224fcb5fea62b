using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// Integer convolution as im2col + int8 GEMM: a tile of output pixels' patches (padding filled with
/// the input zero point, so padded taps contribute 0) times each group's weights (N×K, packed once when
/// constant), giving int32 accumulators that the caller stores (ConvInteger) or requantizes (QLinearConv).
/// </summary>
internal sealed class Int8Convolution
{
    private readonly ConvGeometry _g;
    private readonly PackedInt8Matrix[]? _packed;
    private readonly PackedConvolution? _fast;
    private readonly DepthwiseConvolution? _depthwise;
    private readonly DirectInt8Convolution? _direct;
    private readonly int _tileRows;

    /// <param name="variant">The GEMM variant for constant weights (default: the best this CPU supports).</param>
    /// <param name="batchImages">Whether tiny images of a batch may share a tile (off only to compare with image-at-a-time tiling).</param>
    /// <param name="symmetricWeights">Whether the weight zero points are known to be all 0 (int8 weights may then take the direct engine).</param>
    public Int8Convolution(ConvGeometry geometry, Tensor? constantWeights, bool weightsSigned, Int8GemmVariant? variant = null, bool batchImages = true,
        bool symmetricWeights = false)
    {
        _g = geometry;
        int k = geometry.PatchSize, n = geometry.OutChannelsPerGroup;
        _tileRows = Math.Clamp(65536 / Math.Max(k + 4 * n, 1), 8, 1024);
        _tileRows = Math.Min(_tileRows, Math.Max(geometry.OutPixels, 1));
        if (IsDepthwise)
            _depthwise = new DepthwiseConvolution(geometry);
        if (constantWeights is not null && !IsDepthwise && weightsSigned && symmetricWeights && (variant ?? Int8Gemm.Best) == Int8GemmVariant.Avx512Vnni)
            _direct = DirectInt8Convolution.TryCreate(geometry, constantWeights.Bytes);
        if (constantWeights is not null && !IsDepthwise && _direct is null)
            _fast = PackedConvolution.Create(geometry, constantWeights.Bytes, weightsSigned, variant ?? Int8Gemm.Best, batchImages);
        if (constantWeights is not null && !IsDepthwise && _fast is null && _direct is null)
        {
            _packed = new PackedInt8Matrix[geometry.Group];
            for (int g = 0; g < geometry.Group; g++)
                _packed[g] = PackedInt8Matrix.Pack(constantWeights.Bytes.Slice(g * n * k, n * k), weightsSigned, k, n, transposed: true, variant);
        }
    }

    public ConvGeometry Geometry => _g;

    /// <summary>Whether the direct engine (symmetric int8 weights on generated VNNI code) runs this convolution.</summary>
    internal bool IsDirect => _direct is not null;

    /// <summary>Scratch: the patch tile, its accumulators, and one output row of requantized bytes.</summary>
    public int WorkspaceBytes => _depthwise is not null ? _depthwise.WorkspaceBytes : _direct is not null ? _direct.WorkspaceBytes : _fast is not null ? Align(_fast.WorkspaceBytes) + _fast.TilePixels : Align(_tileRows * _g.PatchSize) + _tileRows * _g.OutChannelsPerGroup * sizeof(int) + Align(_g.OutChannelsPerGroup);

    private static int Align(int bytes) => (bytes + 63) & ~63;

    /// <summary>
    /// Runs the convolution. Per tile, <paramref name="sink"/> receives (batch, group, first pixel,
    /// pixel count, accumulators [pixels × out channels of the group], a scratch byte row), or from the
    /// packed path accumulators [out channels of the group × stride].
    /// </summary>
    public void Run<TSink>(ReadOnlySpan<byte> x, bool xSigned, int xZero, ReadOnlySpan<byte> w, bool wSigned, ReadOnlySpan<int> wZero, byte[] workspace, ParallelRunner parallel, ref TSink sink)
        where TSink : struct, IConvolutionSink, allows ref struct
    {
        if (_depthwise is not null)
        {
            _depthwise.Run(x, xSigned, xZero, w, wSigned, wZero, workspace, ref sink);
            return;
        }
        if (_direct is not null)
        {
            _direct.Run(x, xSigned, xZero, workspace, parallel, ref sink);
            return;
        }
        if (_fast is not null)
        {
            RunPacked(_fast, x, xSigned, xZero, wZero, workspace, parallel, ref sink);
            return;
        }
        var g = _g;
        int k = g.PatchSize, n = g.OutChannelsPerGroup;
        var patches = workspace.AsSpan(0, _tileRows * k);
        int accOffset = Align(_tileRows * k);
        var acc = MemoryMarshal.Cast<byte, int>(workspace.AsSpan(accOffset, _tileRows * n * sizeof(int)));
        var row = workspace.AsSpan(accOffset + _tileRows * n * sizeof(int), n);
        byte pad = (byte)xZero;
        int imageSize = g.Height * g.Width;
        for (int b = 0; b < g.Batch; b++)
            for (int grp = 0; grp < g.Group; grp++)
            {
                var image = x.Slice((b * g.Channels + grp * g.ChannelsPerGroup) * imageSize, g.ChannelsPerGroup * imageSize);
                var groupZero = wZero.Length == 1 ? wZero : wZero.Slice(grp * n, n);
                for (int p0 = 0; p0 < g.OutPixels; p0 += _tileRows)
                {
                    int rows = Math.Min(_tileRows, g.OutPixels - p0);
                    for (int r = 0; r < rows; r++)
                        FillPatch(image, p0 + r, pad, patches.Slice(r * k, k));
                    Int8MatMul.Multiply(patches, xSigned, rows, k, k, xZero, _packed?[grp],
                        _packed is null ? w.Slice(grp * n * k, n * k) : default, wSigned, true, n, groupZero, acc, n, parallel);
                    sink.Store(b, grp, p0, rows, acc[..(rows * n)], row);
                }
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPacked<TSink>(PackedConvolution fast, ReadOnlySpan<byte> x, bool xSigned, int xZero, ReadOnlySpan<int> wZero, byte[] workspace, ParallelRunner parallel, ref TSink sink)
        where TSink : struct, IConvolutionSink, allows ref struct
    {
        var g = _g;
        int n = g.OutChannelsPerGroup, imageSize = g.Height * g.Width, tile = fast.TilePixels, rowWidth = fast.RowWidth, wide = fast.WidePixels;
        var scratch = workspace.AsSpan(0, fast.WorkspaceBytes);
        var sinkScratch = workspace.AsSpan(Align(fast.WorkspaceBytes), tile);
        int imagesPerTile = fast.ImagesPerTile;
        if (imagesPerTile > 1)
        {
            for (int grp = 0; grp < g.Group; grp++)
            {
                var groupZero = wZero.Length == 1 ? wZero : wZero.Slice(grp * n, n);
                for (int b0 = 0; b0 < g.Batch; b0 += imagesPerTile)
                {
                    int images = Math.Min(imagesPerTile, g.Batch - b0);
                    var acc = fast.ComputeImages(x, b0, images, xSigned, xZero, grp, groupZero, scratch, parallel);
                    for (int i = 0; i < images; i++)
                        sink.StoreChannels(b0 + i, grp, 0, g.OutPixels, g.OutW, acc[(i * g.OutPixels)..], tile, sinkScratch);
                }
            }
            return;
        }
        for (int b = 0; b < g.Batch; b++)
            for (int grp = 0; grp < g.Group; grp++)
            {
                var image = x.Slice((b * g.Channels + grp * g.ChannelsPerGroup) * imageSize, g.ChannelsPerGroup * imageSize);
                var groupZero = wZero.Length == 1 ? wZero : wZero.Slice(grp * n, n);
                fast.PrepareImage(image, xZero, scratch);
                for (int j0 = 0; j0 < wide; j0 += tile)
                {
                    int pixels = Math.Min(tile, wide - j0);
                    var acc = fast.Compute(image, xSigned, xZero, grp, groupZero, j0, pixels, scratch, parallel);
                    sink.StoreChannels(b, grp, j0, pixels, rowWidth, acc, tile, sinkScratch);
                }
            }
    }

    /// <summary>One input and one output channel per group: a direct vector loop beats a GEMM with N = 1.</summary>
    private bool IsDepthwise => _g.ChannelsPerGroup == 1 && _g.OutChannelsPerGroup == 1;

    private void FillPatch(ReadOnlySpan<byte> image, int pixel, byte pad, Span<byte> patch)
    {
        var g = _g;
        int oy = pixel / g.OutW, ox = pixel % g.OutW;
        int y0 = oy * g.StrideH - g.PadTop, x0 = ox * g.StrideW - g.PadLeft;
        int imageSize = g.Height * g.Width;
        int j = 0;
        for (int c = 0; c < g.ChannelsPerGroup; c++)
        {
            var plane = image.Slice(c * imageSize, imageSize);
            for (int ky = 0; ky < g.KernelH; ky++)
            {
                int iy = y0 + ky * g.DilationH;
                if ((uint)iy >= (uint)g.Height)
                {
                    patch.Slice(j, g.KernelW).Fill(pad);
                    j += g.KernelW;
                    continue;
                }
                var line = plane.Slice(iy * g.Width, g.Width);
                if (g.DilationW == 1 && x0 >= 0 && x0 + g.KernelW <= g.Width)
                {
                    line.Slice(x0, g.KernelW).CopyTo(patch.Slice(j, g.KernelW));
                    j += g.KernelW;
                    continue;
                }
                for (int kx = 0; kx < g.KernelW; kx++)
                {
                    int ix = x0 + kx * g.DilationW;
                    patch[j++] = (uint)ix < (uint)g.Width ? line[ix] : pad;
                }
            }
        }
    }
}

using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// Convolution tiles on an int8 GEMM kernel with the output-channel-major orientation: constant weights are
/// the A operand (prepared once, rows = output channels) and each tile of output pixels is packed straight
/// into B panels, so the accumulators come out as [channels × pixels], the layout of an NCHW output.
/// </summary>
internal abstract class PackedConvolution
{
    /// <summary>The engine for <paramref name="variant"/>, or null where it has no panel kernel (the reference).</summary>
    /// <param name="batchImages">Whether tiny images of a batch may share one tile's pixel space (see <see cref="ImagesPerTile"/>).</param>
    public static PackedConvolution? Create(ConvGeometry geometry, ReadOnlySpan<byte> weights, bool weightsSigned, Int8GemmVariant variant, bool batchImages = true) => variant switch
    {
        Int8GemmVariant.Avx512Vnni => new KernelPackedConvolution<Int8GemmAvx512Vnni>(geometry, weights, weightsSigned, batchImages),
        Int8GemmVariant.Avx512 => new KernelPackedConvolution<Int8GemmAvx512>(geometry, weights, weightsSigned, batchImages),
        Int8GemmVariant.Avx2 => new KernelPackedConvolution<Int8GemmAvx2>(geometry, weights, weightsSigned, batchImages),
        Int8GemmVariant.AvxVnni => new KernelPackedConvolution<Int8GemmAvxVnni>(geometry, weights, weightsSigned, batchImages),
        Int8GemmVariant.AdvSimd => new KernelPackedConvolution<Int8GemmAdvSimd>(geometry, weights, weightsSigned, batchImages),
        Int8GemmVariant.Dp => new KernelPackedConvolution<Int8GemmDp>(geometry, weights, weightsSigned, batchImages),
        _ => null,
    };

    /// <summary>Output pixels per tile; also the row stride of the accumulators.</summary>
    public abstract int TilePixels { get; }

    /// <summary>Wide output pixels per output row (OutW and a few dropped columns): wide pixel j is (j / RowWidth, j % RowWidth).</summary>
    public abstract int RowWidth { get; }

    /// <summary>OutH · <see cref="RowWidth"/>.</summary>
    public abstract int WidePixels { get; }

    /// <summary>
    /// Images of the batch one <see cref="ComputeImages"/> tile holds: above 1 only where images are so small that, tiled alone,
    /// per-image costs and half-filled panels would dominate; then the images share one compact pixel space (no dropped columns).
    /// </summary>
    public abstract int ImagesPerTile { get; }

    /// <summary>Scratch: the prepared image and one tile, accumulators included.</summary>
    public abstract int WorkspaceBytes { get; }

    /// <summary>Prepares one group's <paramref name="image"/> (NCHW channels of the group) in the workspace for the following <see cref="Compute"/> calls.</summary>
    public abstract void PrepareImage(ReadOnlySpan<byte> image, int xZero, Span<byte> workspace);

    /// <summary>
    /// Accumulators of wide output pixels [firstPixel, firstPixel + pixels) of the prepared image:
    /// [out channels of the group × <see cref="TilePixels"/>] int32 at the start of the returned span.
    /// </summary>
    /// <param name="weightZero">The group's weight zero points: one value, or one per output channel of the group.</param>
    public abstract ReadOnlySpan<int> Compute(ReadOnlySpan<byte> image, bool xSigned, int xZero, int group, ReadOnlySpan<int> weightZero,
        int firstPixel, int pixels, Span<byte> workspace, ParallelRunner parallel);

    /// <summary>
    /// Accumulators of whole images [firstImage, firstImage + images) (at most <see cref="ImagesPerTile"/>) of group
    /// <paramref name="group"/> of the NCHW batch <paramref name="x"/>: [out channels of the group × <see cref="TilePixels"/>] int32,
    /// image i's output pixels (oy·OutW + ox) at columns i·OutPixels onward.
    /// </summary>
    public abstract ReadOnlySpan<int> ComputeImages(ReadOnlySpan<byte> x, int firstImage, int images, bool xSigned, int xZero, int group, ReadOnlySpan<int> weightZero,
        Span<byte> workspace, ParallelRunner parallel);
}

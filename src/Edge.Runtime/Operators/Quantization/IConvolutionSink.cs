namespace Edge.Runtime.Operators.Quantization;

/// <summary>Receives a tile of <see cref="Int8Convolution"/> accumulators (a struct, so the call inlines).</summary>
internal interface IConvolutionSink
{
    /// <param name="accumulators">[pixels × out channels of the group], row-major.</param>
    /// <param name="scratch">One row of out-channels bytes the sink may use.</param>
    void Store(int batch, int group, int firstPixel, int pixels, ReadOnlySpan<int> accumulators, Span<byte> scratch);

    /// <summary>
    /// Stores the packed path's tile: wide output pixels [firstWide, firstWide + pixels), wide pixel j being output
    /// pixel (j / rowWidth, j % rowWidth) and dropped where j % rowWidth ≥ OutW.
    /// </summary>
    /// <param name="accumulators">[out channels of the group × <paramref name="stride"/>], the first <paramref name="pixels"/> of each row valid.</param>
    /// <param name="scratch">At least <paramref name="pixels"/> bytes the sink may use.</param>
    void StoreChannels(int batch, int group, int firstWide, int pixels, int rowWidth, ReadOnlySpan<int> accumulators, int stride, Span<byte> scratch);

    /// <summary>
    /// Stores output channels [<paramref name="firstChannel"/>, + <paramref name="channels"/>) of the group over wide output pixels
    /// [firstWide, firstWide + pixels) (as <see cref="StoreChannels"/>), each accumulator plus its channel's <paramref name="offsets"/> value
    /// (wrapping int32). Called from several threads at once, for disjoint channels.
    /// </summary>
    /// <param name="accumulators">[channels × <paramref name="stride"/>], row 0 being channel <paramref name="firstChannel"/>.</param>
    /// <param name="images">
    /// Above 1: the row holds whole images <paramref name="batch"/>, <paramref name="batch"/> + 1, … one after another,
    /// <paramref name="pixels"/> compact pixels each (then <paramref name="firstWide"/> is 0 and <paramref name="rowWidth"/> is OutW).
    /// </param>
    void StoreChannelRange(int batch, int group, int firstChannel, int channels, int firstWide, int pixels, int rowWidth,
        ReadOnlySpan<int> accumulators, int stride, ReadOnlySpan<int> offsets, int images);
}

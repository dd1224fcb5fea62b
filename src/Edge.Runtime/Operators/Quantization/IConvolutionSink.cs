namespace Edge.Runtime.Operators.Quantization;

/// <summary>Receives a tile of <see cref="Int8Convolution"/> accumulators (a struct, so the call inlines).</summary>
internal interface IConvolutionSink
{
    /// <param name="accumulators">[pixels × out channels of the group], row-major.</param>
    /// <param name="scratch">One row of out-channels bytes the sink may use.</param>
    void Store(int batch, int group, int firstPixel, int pixels, ReadOnlySpan<int> accumulators, Span<byte> scratch);
}

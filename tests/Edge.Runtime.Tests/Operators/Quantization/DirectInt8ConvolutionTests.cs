using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Quantization;
using Edge.Runtime.Tensors;

using static Edge.Runtime.Tests.Operators.Quantization.ConvolutionReference;

namespace Edge.Runtime.Tests.Operators.Quantization;

/// <summary>
/// The direct engine (symmetric int8 weights, input read in place from quad-interleaved phase planes by generated VNNI code)
/// against the definition, one multiply-add at a time: exact int32 results for u8 and s8 inputs with full-range values and
/// non-zero input zero points, odd sizes, strides, dilations, groups, channel counts that leave a quad partly empty, 1, 2 and 3 threads.
/// </summary>
public sealed class DirectInt8ConvolutionTests
{
    private static bool VnniRuns => Int8Gemm.IsSupported(Int8GemmVariant.Avx512Vnni);

    /// <summary>Input NCHW, out channels, kernel, group, strides, dilations, pads (top, left, bottom, right).</summary>
    public static TheoryData<int[], int, int[], int, int[], int[], int[]> Shapes() => new()
    {
        { [1, 3, 40, 37], 16, [7, 7], 1, [2, 2], [1, 1], [3, 3, 3, 3] },
        { [2, 8, 13, 11], 12, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        { [1, 16, 9, 10], 33, [1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0] },
        { [1, 16, 9, 10], 8, [1, 1], 1, [2, 2], [1, 1], [0, 0, 0, 0] },
        { [2, 12, 16, 9], 10, [3, 2], 2, [2, 1], [1, 2], [2, 0, 1, 1] },
        { [1, 5, 15, 14], 7, [3, 3], 1, [3, 2], [2, 1], [0, 1, 2, 0] },
        { [1, 4, 1, 50], 5, [1, 5], 1, [1, 3], [1, 2], [0, 2, 0, 1] },
        { [1, 64, 12, 12], 40, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        { [1, 7, 3, 3], 3, [3, 3], 1, [1, 1], [1, 1], [0, 0, 0, 0] },
        { [1, 20, 33, 35], 67, [3, 3], 1, [2, 2], [1, 1], [1, 1, 1, 1] },
        { [3, 24, 8, 8], 64, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        // Small images of a batch, several to a compact tile (the PTQ fixtures' shapes, a partial last tile, groups, strides).
        { [16, 16, 8, 8], 32, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        { [16, 32, 4, 4], 32, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        { [50, 12, 6, 5], 10, [3, 2], 2, [2, 1], [1, 1], [1, 0, 1, 1] },
        { [300, 8, 2, 2], 9, [1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0] },
        // One or two input channels (a quad mostly padding): the digits CNNs' first layer, a two-plane input, one image.
        { [16, 1, 8, 8], 16, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        { [3, 2, 9, 7], 5, [3, 3], 1, [2, 1], [1, 1], [1, 0, 1, 1] },
        { [1, 1, 28, 28], 8, [5, 5], 1, [1, 1], [1, 1], [2, 2, 2, 2] },
        // Quad images big enough for the threads to split the fill.
        { [1, 30, 40, 45], 24, [3, 3], 1, [2, 2], [1, 1], [1, 1, 1, 1] },
        { [2, 16, 48, 50], 17, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        { [1, 64, 56, 30], 16, [1, 1], 1, [2, 2], [1, 1], [0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DirectEngineMatchesDirectLoops(int[] x, int outChannels, int[] kernel, int group, int[] strides, int[] dilations, int[] pads)
    {
        var geometry = Geometry(x, outChannels, kernel, group, strides, dilations, pads);
        using var twoThreads = new ParallelRunner(2);
        using var threeThreads = new ParallelRunner(3);
        foreach (bool xSigned in new[] { false, true })
        {
            var random = new Random(x.Sum() * 13 + outChannels + (xSigned ? 1 : 0));
            var input = Bytes(random, geometry.Batch * geometry.Channels * geometry.Height * geometry.Width);
            var weights = Bytes(random, geometry.OutChannels * geometry.PatchSize);
            int xZero = xSigned ? random.Next(-128, 128) : random.Next(256);
            var expected = DirectLoops(geometry, input, xSigned, xZero, weights);
            // Three threads split a compact tile's images unevenly (16 images: 5, 5, 6; 3 in the last tile of 50: 1 each).
            foreach (var parallel in new[] { ParallelRunner.Sequential, twoThreads, threeThreads })
            {
                var actual = Run(geometry, input, xSigned, xZero, weights, parallel, out bool direct);
                Assert.Equal(VnniRuns, direct);
                if (!expected.SequenceEqual(actual))
                    Assert.Fail($"x {(xSigned ? "s8" : "u8")} zp {xZero}, {parallel.Threads} thread(s): first mismatch at {FirstMismatch(expected, actual)}");
            }
        }
    }

    [Fact]
    public void ExtremeValuesAccumulateWithoutSaturation()
    {
        // Every product at its largest magnitude: uint8 255 against int8 -128 over a deep patch.
        var geometry = Geometry([1, 256, 6, 6], 13, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]);
        var input = Enumerable.Repeat((byte)255, 256 * 36).ToArray();
        var weights = Enumerable.Repeat((byte)0x80, 13 * geometry.PatchSize).ToArray();
        var expected = DirectLoops(geometry, input, false, 0, weights);
        Assert.Equal(expected, Run(geometry, input, false, 0, weights, ParallelRunner.Sequential, out _));
        Assert.Equal(-255 * 128 * 256 * 9, expected[geometry.OutW + 1]);
    }

    [Fact]
    public void AsymmetricOrUnsignedWeightsStayOnThePackedEngine()
    {
        var geometry = Geometry([1, 16, 8, 8], 16, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]);
        var weights = Tensor.Allocate(DataType.Int8, new TensorShape(16 * geometry.PatchSize));
        Assert.False(new Int8Convolution(geometry, weights, true, symmetricWeights: false).IsDirect);
        Assert.False(new Int8Convolution(geometry, Tensor.Allocate(DataType.UInt8, weights.Shape), false, symmetricWeights: true).IsDirect);
        Assert.Equal(VnniRuns, new Int8Convolution(geometry, weights, true, symmetricWeights: true).IsDirect);
    }

    private static int[] Run(ConvGeometry g, byte[] input, bool xSigned, int xZero, byte[] weights, ParallelRunner parallel, out bool direct)
    {
        var weightTensor = Tensor.Allocate(DataType.Int8, new TensorShape(weights.Length));
        weights.CopyTo(weightTensor.Bytes);
        var convolution = new Int8Convolution(g, weightTensor, true, symmetricWeights: true);
        direct = convolution.IsDirect;
        var output = new int[g.Batch * g.OutChannels * g.OutPixels];
        // A sentinel shows any output the convolution failed to write; a dirty workspace shows any byte it relied on being clean.
        Array.Fill(output, int.MinValue);
        var workspace = new byte[convolution.WorkspaceBytes];
        new Random(9).NextBytes(workspace);
        var sink = new Int32Sink(output, g);
        convolution.Run(input, xSigned, xZero, weights, true, [0], workspace, parallel, ref sink);
        return output;
    }

    // The direct engine takes symmetric int8 weights only (zero point 0).
    private static int[] DirectLoops(ConvGeometry g, byte[] input, bool xSigned, int xZero, byte[] weights) =>
        ConvolutionReference.DirectLoops(g, input, xSigned, xZero, weights, wSigned: true, [0]);

    private static byte[] Bytes(Random random, int count)
    {
        var values = new byte[count];
        random.NextBytes(values);
        for (int i = 0; i < count; i += 7)
            values[i] = (byte)(i % 2 == 0 ? 0x80 : 0x7F);
        for (int i = 3; i < count; i += 11)
            values[i] = (byte)(i % 2 == 0 ? 0x00 : 0xFF);
        return values;
    }

    private readonly struct Int32Sink(int[] output, ConvGeometry g) : IConvolutionSink
    {
        public void Store(int batch, int group, int firstPixel, int pixels, ReadOnlySpan<int> accumulators, Span<byte> scratch) =>
            throw new InvalidOperationException("the direct engine stores channel ranges");

        public void StoreChannels(int batch, int group, int firstWide, int pixels, int rowWidth, ReadOnlySpan<int> accumulators, int stride, Span<byte> scratch)
        {
            int n = g.OutChannelsPerGroup;
            for (int oc = 0; oc < n; oc++)
                for (int j = 0; j < pixels; j++)
                {
                    int oy = (firstWide + j) / rowWidth, ox = (firstWide + j) % rowWidth;
                    if (ox < g.OutW)
                        output[(batch * g.OutChannels + group * n + oc) * g.OutPixels + oy * g.OutW + ox] = accumulators[oc * stride + j];
                }
        }

        public void StoreChannelRange(int batch, int group, int firstChannel, int channels, int firstWide, int pixels, int rowWidth,
            ReadOnlySpan<int> accumulators, int stride, ReadOnlySpan<int> offsets, int images)
        {
            int n = g.OutChannelsPerGroup;
            for (int image = 0; image < images; image++)
                for (int i = 0; i < channels; i++)
                    for (int j = 0; j < pixels; j++)
                    {
                        int oy = (firstWide + j) / rowWidth, ox = (firstWide + j) % rowWidth;
                        if (ox < g.OutW)
                            output[((batch + image) * g.OutChannels + group * n + firstChannel + i) * g.OutPixels + oy * g.OutW + ox] =
                                unchecked(accumulators[i * stride + image * pixels + j] + offsets[i]);
                    }
        }
    }
}

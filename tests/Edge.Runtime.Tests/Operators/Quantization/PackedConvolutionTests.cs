using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Quantization;
using Edge.Runtime.Tensors;

using static Edge.Runtime.Tests.Operators.Quantization.ConvolutionReference;

namespace Edge.Runtime.Tests.Operators.Quantization;

/// <summary>
/// The packed (phase-split input, weights as the GEMM's A) convolution against the im2col path on the scalar
/// reference GEMM, for every optimised variant this CPU runs: exact int32 accumulators, tile and row edges included.
/// </summary>
public sealed class PackedConvolutionTests
{
    /// <summary>Input NCHW, out channels, kernel, group, strides, dilations, pads (top, left, bottom, right).</summary>
    public static TheoryData<int[], int, int[], int, int[], int[], int[]> Shapes() => new()
    {
        { [1, 3, 40, 37], 16, [7, 7], 1, [2, 2], [1, 1], [3, 3, 3, 3] },
        { [2, 8, 13, 11], 12, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        { [1, 16, 9, 10], 33, [1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0] },
        { [1, 16, 9, 10], 8, [1, 1], 1, [2, 2], [1, 1], [0, 0, 0, 0] },
        { [2, 6, 12, 9], 10, [3, 2], 2, [2, 1], [1, 2], [2, 0, 1, 1] },
        { [1, 5, 15, 14], 7, [3, 3], 1, [3, 2], [2, 1], [0, 1, 2, 0] },
        { [1, 4, 1, 50], 5, [1, 5], 1, [1, 3], [1, 2], [0, 2, 0, 1] },
        { [1, 64, 12, 12], 40, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1] },
        { [1, 2, 3, 3], 3, [3, 3], 1, [1, 1], [1, 1], [0, 0, 0, 0] },
    };

    /// <summary>Depthwise shapes (one channel in and out per group), including constant and run-time weights.</summary>
    public static TheoryData<int[], int[], int[], int[], int[], bool> DepthwiseShapes() => new()
    {
        { [2, 5, 11, 13], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], true },
        { [1, 4, 17, 9], [5, 3], [2, 2], [1, 2], [2, 1, 2, 1], false },
        { [1, 3, 6, 40], [3, 7], [1, 3], [2, 1], [0, 3, 1, 2], true },
        { [1, 2, 3, 3], [3, 3], [1, 1], [1, 1], [0, 0, 0, 0], false },
    };

    [Theory]
    [MemberData(nameof(DepthwiseShapes))]
    public void DepthwiseMatchesDirectLoops(int[] x, int[] kernel, int[] strides, int[] dilations, int[] pads, bool constantWeights)
    {
        var geometry = Geometry(x, x[1], kernel, x[1], strides, dilations, pads);
        for (int signs = 0; signs < 4; signs++)
        {
            bool xSigned = (signs & 1) != 0, wSigned = (signs & 2) != 0;
            var random = new Random(signs + x.Sum());
            var input = Bytes(random, geometry.Batch * geometry.Channels * geometry.Height * geometry.Width);
            var weights = Bytes(random, geometry.OutChannels * geometry.PatchSize);
            int xZero = xSigned ? random.Next(-128, 128) : random.Next(256);
            var wZero = Enumerable.Range(0, geometry.OutChannels).Select(_ => wSigned ? random.Next(-128, 128) : random.Next(256)).ToArray();
            var expected = DirectLoops(geometry, input, xSigned, xZero, weights, wSigned, wZero);
            var actual = Run(geometry, Int8Gemm.Best, input, xSigned, xZero, weights, wSigned, wZero, constant: constantWeights);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PackedPathMatchesDirectLoops(int[] x, int outChannels, int[] kernel, int group, int[] strides, int[] dilations, int[] pads)
    {
        var geometry = Geometry(x, outChannels, kernel, group, strides, dilations, pads);
        var random = new Random(x.Sum() * 7 + outChannels);
        var input = Bytes(random, geometry.Batch * geometry.Channels * geometry.Height * geometry.Width);
        var weights = Bytes(random, geometry.OutChannels * geometry.PatchSize);
        var wZero = Enumerable.Range(0, outChannels).Select(i => i % 2 == 0 ? 0 : random.Next(256)).ToArray();
        Assert.Equal(DirectLoops(geometry, input, false, 131, weights, false, wZero), Run(geometry, Int8Gemm.Best, input, false, 131, weights, false, wZero));
    }

    public static TheoryData<Int8GemmVariant> Variants()
    {
        var data = new TheoryData<Int8GemmVariant>();
        foreach (var variant in Int8Gemm.Supported.Where(v => v != Int8GemmVariant.Reference))
            data.Add(variant);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PackedPathMatchesIm2ColReferenceOnEveryVariant(int[] x, int outChannels, int[] kernel, int group, int[] strides, int[] dilations, int[] pads)
    {
        var geometry = Geometry(x, outChannels, kernel, group, strides, dilations, pads);
        foreach (var variant in Int8Gemm.Supported.Where(v => v != Int8GemmVariant.Reference))
            for (int signs = 0; signs < 4; signs++)
            {
                bool xSigned = (signs & 1) != 0, wSigned = (signs & 2) != 0;
                var random = new Random(signs * 1000 + x.Sum() + outChannels);
                var input = Bytes(random, geometry.Batch * geometry.Channels * geometry.Height * geometry.Width);
                var weights = Bytes(random, geometry.OutChannels * geometry.PatchSize);
                int xZero = xSigned ? random.Next(-128, 128) : random.Next(256);
                // Per-channel weight zero points, some zero, so both the with- and without-column-sum branches run.
                var wZero = Enumerable.Range(0, outChannels).Select(i => i % 3 == 0 ? 0 : wSigned ? random.Next(-128, 128) : random.Next(256)).ToArray();
                var expected = Run(geometry, Int8GemmVariant.Reference, input, xSigned, xZero, weights, wSigned, wZero);
                var actual = Run(geometry, variant, input, xSigned, xZero, weights, wSigned, wZero);
                if (!expected.SequenceEqual(actual))
                    Assert.Fail($"{variant} x {(xSigned ? "s8" : "u8")} w {(wSigned ? "s8" : "u8")}: first mismatch at {FirstMismatch(expected, actual)}");
            }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void PackedPathSplitAcrossThreadsMatchesSequential(Int8GemmVariant variant)
    {
        var geometry = Geometry([1, 32, 30, 30], 48, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]);
        var random = new Random(5);
        var input = Bytes(random, 32 * 30 * 30);
        var weights = Bytes(random, 48 * geometry.PatchSize);
        var sequential = Run(geometry, variant, input, false, 100, weights, true, [3]);
        using var parallel = new ParallelRunner(3);
        var split = Run(geometry, variant, input, false, 100, weights, true, [3], parallel);
        Assert.Equal(sequential, split);
    }

    /// <summary>Tiny images in batches (several images to a tile, a partial last tile, groups, 1×1 direct rows, strides).</summary>
    public static TheoryData<int[], int, int[], int, int[], int[]> TinyBatchShapes() => new()
    {
        { [16, 16, 4, 4], 32, [3, 3], 1, [1, 1], [1, 1, 1, 1] },
        { [16, 8, 8, 8], 16, [3, 3], 1, [1, 1], [1, 1, 1, 1] },
        { [7, 6, 5, 3], 10, [3, 2], 2, [2, 1], [2, 0, 1, 1] },
        { [9, 12, 3, 3], 9, [1, 1], 1, [1, 1], [0, 0, 0, 0] },
        { [400, 3, 2, 2], 5, [2, 2], 1, [1, 1], [0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(TinyBatchShapes))]
    public void BatchedTinyImagesMatchImageAtATimeOnEveryVariant(int[] x, int outChannels, int[] kernel, int group, int[] strides, int[] pads)
    {
        var geometry = Geometry(x, outChannels, kernel, group, strides, [1, 1], pads);
        foreach (var variant in Int8Gemm.Supported.Where(v => v != Int8GemmVariant.Reference))
        {
            var weightTensor = Tensor.Allocate(DataType.UInt8, new TensorShape(geometry.OutChannels * geometry.PatchSize));
            Assert.True(new Int8Convolution(geometry, weightTensor, false, variant).WorkspaceBytes > 0);
            for (int signs = 0; signs < 4; signs++)
            {
                bool xSigned = (signs & 1) != 0, wSigned = (signs & 2) != 0;
                var random = new Random(signs * 31 + x.Sum() + outChannels);
                var input = Bytes(random, geometry.Batch * geometry.Channels * geometry.Height * geometry.Width);
                var weights = Bytes(random, geometry.OutChannels * geometry.PatchSize);
                int xZero = xSigned ? random.Next(-128, 128) : random.Next(256);
                var wZero = Enumerable.Range(0, outChannels).Select(i => i % 3 == 0 ? 0 : wSigned ? random.Next(-128, 128) : random.Next(256)).ToArray();
                var imageAtATime = Run(geometry, variant, input, xSigned, xZero, weights, wSigned, wZero, batchImages: false);
                var batched = Run(geometry, variant, input, xSigned, xZero, weights, wSigned, wZero);
                if (!imageAtATime.SequenceEqual(batched))
                    Assert.Fail($"{variant} x {(xSigned ? "s8" : "u8")} w {(wSigned ? "s8" : "u8")}: first mismatch at {FirstMismatch(imageAtATime, batched)}");
            }
        }
        var check = new Random(3);
        var checkInput = Bytes(check, geometry.Batch * geometry.Channels * geometry.Height * geometry.Width);
        var checkWeights = Bytes(check, geometry.OutChannels * geometry.PatchSize);
        Assert.Equal(DirectLoops(geometry, checkInput, false, 7, checkWeights, true, [5]), Run(geometry, Int8Gemm.Best, checkInput, false, 7, checkWeights, true, [5]));
    }

    [Fact]
    public void TinyImagesOfABatchShareTiles()
    {
        var geometry = Geometry([16, 16, 4, 4], 32, [3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]);
        var weights = new byte[geometry.OutChannels * geometry.PatchSize];
        foreach (var variant in Int8Gemm.Supported.Where(v => v != Int8GemmVariant.Reference))
        {
            Assert.True(PackedConvolution.Create(geometry, weights, true, variant)!.ImagesPerTile > 1, variant.ToString());
            Assert.Equal(1, PackedConvolution.Create(geometry, weights, true, variant, batchImages: false)!.ImagesPerTile);
        }
    }

    private static int[] Run(ConvGeometry g, Int8GemmVariant variant, byte[] input, bool xSigned, int xZero, byte[] weights, bool wSigned, int[] wZero,
        ParallelRunner? parallel = null, bool constant = true, bool batchImages = true)
    {
        var weightTensor = Tensor.Allocate(wSigned ? DataType.Int8 : DataType.UInt8, new TensorShape(weights.Length));
        weights.CopyTo(weightTensor.Bytes);
        var convolution = new Int8Convolution(g, constant ? weightTensor : null, wSigned, variant, batchImages);
        var output = new int[g.Batch * g.OutChannels * g.OutPixels];
        // A sentinel shows any output the convolution failed to write.
        Array.Fill(output, int.MinValue);
        var sink = new Int32Sink(output, g);
        convolution.Run(input, xSigned, xZero, weights, wSigned, wZero, new byte[convolution.WorkspaceBytes], parallel ?? ParallelRunner.Sequential, ref sink);
        return output;
    }

    /// <summary>The definition, one multiply-add at a time.</summary>
    private static byte[] Bytes(Random random, int count)
    {
        var values = new byte[count];
        random.NextBytes(values);
        for (int i = 0; i < count; i += 7)
            values[i] = (byte)(i % 2 == 0 ? 0x80 : 0x7F);
        return values;
    }

    private readonly struct Int32Sink(int[] output, ConvGeometry g) : IConvolutionSink
    {
        public void Store(int batch, int group, int firstPixel, int pixels, ReadOnlySpan<int> accumulators, Span<byte> scratch)
        {
            int n = g.OutChannelsPerGroup;
            for (int oc = 0; oc < n; oc++)
                for (int p = 0; p < pixels; p++)
                    output[(batch * g.OutChannels + group * n + oc) * g.OutPixels + firstPixel + p] = accumulators[p * n + oc];
        }

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

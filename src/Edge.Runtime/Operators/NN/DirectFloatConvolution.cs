using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Stride-1 2-D Conv with constant weights whose output rows are as wide as the input's ("same"
/// width, as 3x3 pad 1 layers have), on AVX-512 without im2col: a vector holds 16 consecutive
/// output pixels of one image, so every tap is one vector load at a fixed offset from the pixels.
/// X is copied once between zero rows (the vertical padding); a tap that would wrap a row's edge
/// into its neighbour row is zeroed by a per-column lane mask (the horizontal padding). A tile of
/// 3 pixel vectors × 8 output channels stays in registers over all input channels and taps (24
/// accumulators; each weight broadcast feeds 3 FMAs, which keeps Zen 4 at about one 512-bit FMA per
/// cycle), and is stored straight into NCHW with the bias and activation applied. No pixel panels
/// are packed: on the 8x8 and 4x4 images of small CNNs that packing cost as much as the arithmetic.
/// </summary>
internal sealed unsafe class DirectFloatConvolution : IPackedFloatConvolution
{
    /// <summary>Output pixels per vector.</summary>
    public const int Lanes = 16;

    /// <summary>Output channels per tile (a weight block's width).</summary>
    public const int Rows = 8;

    /// <summary>Pixel vectors per tile.</summary>
    public const int Vectors = 3;

    /// <summary>Input channels ORT's AVX-512 NCHWc convolution sums before adding into its output.</summary>
    public const int ChannelBlock = 16;

    /// <summary>The copy of X stays in L2 only up to about this size; bigger inputs go to <see cref="ConvGemm"/>.</summary>
    private const int MaxWorkspaceBytes = 1 << 20;

    /// <summary>Below this a second thread costs more in wake-up and sharing than it saves (measured on the digits CNNs' layers).</summary>
    private const long MinThreadedMultiplyAdds = 1L << 17;

    private readonly DirectFloatConvolutionGeometry _geometry;
    private readonly float[] _weights;
    private readonly int[] _steps;
    private readonly float[] _masks;

    private DirectFloatConvolution(DirectFloatConvolutionGeometry geometry, float[] weights, int[] steps, float[] masks)
    {
        _geometry = geometry;
        _weights = weights;
        _steps = steps;
        _masks = masks;
    }

    /// <summary>
    /// Packs <paramref name="weights"/> (M×C/group×kH×kW) into blocks of 8 output channels, or
    /// returns null when the window or the CPU does not suit this kernel.
    /// </summary>
    public static DirectFloatConvolution? TryCreate(SpatialWindow window, ReadOnlySpan<float> weights, int batch, int channels, int outputChannels, int groups)
    {
        if (!Vector512.IsHardwareAccelerated || window.Input[0] != 1 || window.Output[0] != 1 || window.Kernel[0] != 1
            || window.Strides[1] != 1 || window.Strides[2] != 1 || window.Output[2] != window.Input[2] || window.KernelSize == 1)
            return null;
        int height = window.Input[1], width = window.Input[2], outHeight = window.Output[1];
        int kH = window.Kernel[1], kW = window.Kernel[2], dh = window.Dilations[1], dw = window.Dilations[2];
        int padTop = window.PadsBegin[1], padLeft = window.PadsBegin[2];
        int outPixels = outHeight * width, blocks = (outPixels + Lanes - 1) / Lanes;
        // Taps read X at fixed offsets from the output pixel: from -lead up to the last tap of the last vector.
        int lead = padTop * width + padLeft;
        int reach = Math.Max(0, ((kH - 1) * dh - padTop) * width + (kW - 1) * dw - padLeft);
        int planeStride = RoundUp(lead + Math.Max(blocks * Lanes + reach, height * width), Lanes);
        long workspace = (long)batch * channels * planeStride * sizeof(float);
        if (workspace > MaxWorkspaceBytes)
            return null;
        int cg = channels / groups, mg = outputChannels / groups, taps = kH * kW;
        int rowBlocks = (mg + Rows - 1) / Rows;
        // The multiply-adds of an output in ONNX Runtime's NCHWc order (blocks of 16 input channels; within one,
        // row and column of the kernel, then channel), so that float results track ORT's roundings closely.
        var order = new List<(int Channel, int Ky, int Kx)>(cg * taps);
        for (int first = 0; first < cg; first += ChannelBlock)
            for (int ky = 0; ky < kH; ky++)
                for (int kx = 0; kx < kW; kx++)
                    for (int c = first; c < Math.Min(cg, first + ChannelBlock); c++)
                        order.Add((c, ky, kx));
        // [group][block of 8 output channels][step of that order][8]: the kernel walks it front to back.
        var packed = new float[checked(groups * rowBlocks * cg * taps * Rows)];
        for (int g = 0; g < groups; g++)
            for (int m = 0; m < mg; m++)
            {
                int block = m / Rows, lane = m % Rows;
                for (int step = 0; step < order.Count; step++)
                {
                    var (c, ky, kx) = order[step];
                    packed[(((long)g * rowBlocks + block) * order.Count + step) * Rows + lane] = weights[((g * mg + m) * cg + c) * taps + ky * kW + kx];
                }
            }
        // Per step: the offset into the group's planes of X and the offset of the tap column's mask within a vector's masks.
        // One flat loop over them runs a tile (no short inner loop to exit).
        var steps = new int[2 * order.Count];
        for (int step = 0; step < order.Count; step++)
        {
            var (c, ky, kx) = order[step];
            steps[2 * step] = c * planeStride + (ky * dh - padTop) * width + kx * dw - padLeft;
            steps[2 * step + 1] = kx * Lanes;
        }
        // masks[block][kx][lane]: all ones where that column's tap lies inside the row, zero where it lies in the padding.
        var masks = new float[blocks * kW * Lanes];
        for (int b = 0; b < blocks; b++)
            for (int kx = 0; kx < kW; kx++)
                for (int lane = 0; lane < Lanes; lane++)
                {
                    int column = (b * Lanes + lane) % width + kx * dw - padLeft;
                    masks[(b * kW + kx) * Lanes + lane] = (uint)column < (uint)width ? BitConverter.Int32BitsToSingle(-1) : 0f;
                }
        var geometry = new DirectFloatConvolutionGeometry(batch, cg, mg, groups, rowBlocks, height, width, outPixels, blocks, kW, lead, planeStride);
        return new DirectFloatConvolution(geometry, packed, steps, masks);
    }

    /// <summary>Scratch for the zero-bordered copy of X.</summary>
    public int WorkspaceBytes => checked(_geometry.Batch * _geometry.Groups * _geometry.ChannelsPerGroup * _geometry.PlaneStride * sizeof(float));

    /// <summary>Y = act(conv(X, W) + bias); <paramref name="workspace"/> holds at least <see cref="WorkspaceBytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, FloatActivation activation, ParallelRunner parallel, Span<byte> workspace)
    {
        var geo = _geometry;
        int channels = geo.Groups * geo.ChannelsPerGroup, outputChannels = geo.Groups * geo.MPerGroup;
        if (x.Length < geo.Batch * channels * geo.Height * geo.Width || y.Length < geo.Batch * outputChannels * geo.OutPixels
            || (!bias.IsEmpty && bias.Length < outputChannels) || workspace.Length < WorkspaceBytes)
            throw new ArgumentException("Conv operands are smaller than the planned shapes");
        var padded = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(workspace);
        long multiplyAdds = (long)geo.Batch * outputChannels * geo.OutPixels * (_steps.Length / 2);
        bool threaded = parallel.Threads > 1 && multiplyAdds >= MinThreadedMultiplyAdds;
        fixed (float* px = x, py = y, pbias = bias, pw = _weights, pc = padded)
        fixed (int* steps = _steps)
        fixed (float* masks = _masks)
        {
            var job = new DirectFloatConvolutionJob
            {
                Geometry = geo, X = px, Y = py, Bias = bias.IsEmpty ? null : pbias, Weights = pw, Padded = pc, Steps = steps, Masks = masks,
                StepCount = _steps.Length / 2, BlockSteps = ChannelBlock * (_steps.Length / 2 / geo.ChannelsPerGroup), Clamp = !activation.IsNone, Lower = activation.Min, Upper = activation.Max,
            };
            if (!threaded)
                DirectFloatConvolutionKernels.RunImages(in job, 0, geo.Batch);
            else if (geo.Batch >= parallel.Threads)
            {
                // Whole images per thread: each copies the planes it reads, so one barrier serves copy and compute.
                parallel.For(geo.Batch, 1, in job, &DirectFloatConvolutionKernels.RunImages);
            }
            else
            {
                DirectFloatConvolutionKernels.CopyPlanes(in job, 0, geo.Batch * channels);
                parallel.For(geo.Batch * geo.Blocks, 1, in job, &DirectFloatConvolutionKernels.RunVectors);
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}

/// <summary>Sizes a <see cref="DirectFloatConvolution"/> fixes at plan time.</summary>
/// <param name="Lead">Zeros before pixel 0 of a plane's copy (the top padding rows and the left padding).</param>
/// <param name="PlaneStride">Floats per copied input plane, a multiple of 16.</param>
internal sealed record DirectFloatConvolutionGeometry(int Batch, int ChannelsPerGroup, int MPerGroup, int Groups, int RowBlocks,
    int Height, int Width, int OutPixels, int Blocks, int KernelWidth, int Lead, int PlaneStride);

/// <summary>One call's pinned operands, shared read-only by the threads that split it.</summary>
internal readonly unsafe struct DirectFloatConvolutionJob
{
    public DirectFloatConvolutionGeometry Geometry { get; init; }
    public float* X { get; init; }
    public float* Y { get; init; }
    /// <summary>Null when there is no bias.</summary>
    public float* Bias { get; init; }
    public float* Weights { get; init; }
    /// <summary>X's planes between zero rows, <see cref="DirectFloatConvolutionGeometry.PlaneStride"/> apart.</summary>
    public float* Padded { get; init; }
    /// <summary>Per step (input channel and tap, in the packed weights' order): offset into the group's planes, offset of the tap column's mask.</summary>
    public int* Steps { get; init; }
    /// <summary>[block][kernel column][16 lanes] bit masks.</summary>
    public float* Masks { get; init; }
    /// <summary>Steps (input channels per group × taps): the multiply-adds per output pixel.</summary>
    public int StepCount { get; init; }
    /// <summary>Steps per block of <see cref="DirectFloatConvolution.ChannelBlock"/> input channels.</summary>
    public int BlockSteps { get; init; }
    /// <summary>Whether a fused Relu/Clip bounds the outputs to [Lower, Upper] (without one, NaN must pass through).</summary>
    public bool Clamp { get; init; }
    public float Lower { get; init; }
    public float Upper { get; init; }
}

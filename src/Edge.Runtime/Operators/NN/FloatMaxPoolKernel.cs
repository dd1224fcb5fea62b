using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Float MaxPool in two passes per output row: the maximum over the window's valid input rows,
/// then the maximum over each output's columns of that row (padding held as -inf), both vectorised. NaN is
/// skipped (a value replaces the running maximum only when greater), as in the generic kernel.
/// </summary>
internal sealed unsafe class FloatMaxPoolKernel : Kernel
{
    /// <summary>Widest padded row the per-call stack buffers hold; wider inputs use the generic kernel.</summary>
    private const int MaxRowWidth = 8192;

    public static bool Handles(SpatialWindow window) =>
        Math.Max(window.PadsBegin[2] + window.Input[2], (window.Output[2] - 1) * window.Strides[2] + 1 + (window.Kernel[2] - 1) * window.Dilations[2]) <= MaxRowWidth;

    private readonly SpatialWindow _window;
    private readonly int _planes;
    private readonly int[] _columnFirst, _columnLast, _columnStart;
    /// <summary>Rows this narrow cost more in per-row pass overhead than a direct scan of each window.</summary>
    private readonly bool _narrow;
    /// <summary>2×2 windows at stride 2 tiling the plane (the CNN downsampler): a dedicated SSE loop.</summary>
    private readonly bool _pairs;

    public FloatMaxPoolKernel(SpatialWindow window, int planes)
    {
        _window = window;
        _planes = planes;
        int outW = window.Output[2];
        _columnFirst = new int[outW];
        _columnLast = new int[outW];
        _columnStart = new int[outW];
        for (int ow = 0; ow < outW; ow++)
        {
            (_columnFirst[ow], _columnLast[ow]) = window.ValidTaps(2, ow);
            _columnStart[ow] = ow * window.Strides[2] - window.PadsBegin[2];
        }
        _narrow = window.Input[2] < 2 * Vector<float>.Count;
        // The pair path walks a plane as one run of rows, which holds only without a depth axis.
        _pairs = Sse.IsSupported && window.Input[0] == 1 && window.Kernel is [1, 2, 2] && window.Strides[1..] is [2, 2] && window.Dilations[1..] is [1, 1]
            && window.PadsBegin[1..] is [0, 0] && window.Input[1] >= 2 * window.Output[1] && window.Input[2] >= 2 * window.Output[2];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(KernelContext context)
    {
        fixed (float* x = context.Input(0).AsSpan<float>(), y = context.Output(0).AsSpan<float>())
        {
            var job = new Job(this, x, y);
            long work = (long)_planes * _window.OutputSize * _window.KernelSize;
            // Low enough for a CNN's pool after a conv split by images (digits teacher, batch 16: 32K window taps): each
            // thread then pools planes its own core just wrote (2 threads 0.091 -> 0.084 ms end to end).
            if (context.Parallel.Threads > 1 && work >= 1 << 15)
                context.Parallel.For(_planes, 1, in job, &RunJob);
            else
                Run(x, y, 0, _planes);
        }
    }

    private readonly struct Job(FloatMaxPoolKernel kernel, float* x, float* y)
    {
        public FloatMaxPoolKernel Kernel { get; } = kernel;
        public float* X { get; } = x;
        public float* Y { get; } = y;
    }

    private static void RunJob(in Job job, int start, int end) => job.Kernel.Run(job.X, job.Y, start, end);

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(float* x, float* y, int start, int end)
    {
        var window = _window;
        int inH = window.Input[1], inW = window.Input[2];
        int outD = window.Output[0], outH = window.Output[1], outW = window.Output[2];
        int inPixels = window.InputSize, outPixels = window.OutputSize;
        int dd = window.Dilations[0], dh = window.Dilations[1], dw = window.Dilations[2];
        int sw = window.Strides[2], pw = window.PadsBegin[2], kW = window.Kernel[2];
        // The row maximum sits between -inf margins, so every horizontal tap can be read and padding never wins.
        int span = (outW - 1) * sw + 1;
        int padded = Math.Max(pw + inW, span + (kW - 1) * dw) + Vector<float>.Count;
        if (_pairs)
        {
            RunPairs(x, y, start, end);
            return;
        }
        float* rowMax = stackalloc float[padded];
        float* columnMax = stackalloc float[span + Vector<float>.Count];
        new Span<float>(rowMax, padded).Fill(float.NegativeInfinity);
        for (int plane = start; plane < end; plane++)
        {
            float* src = x + (long)plane * inPixels;
            float* dst = y + (long)plane * outPixels;
            for (int od = 0; od < outD; od++)
            {
                var (kd0, kd1) = window.ValidTaps(0, od);
                int id0 = od * window.Strides[0] - window.PadsBegin[0];
                for (int oh = 0; oh < outH; oh++, dst += outW)
                {
                    var (kh0, kh1) = window.ValidTaps(1, oh);
                    int ih0 = oh * window.Strides[1] - window.PadsBegin[1];
                    if (_narrow)
                    {
                        ScanWindows(src, dst, outW, kd0, kd1, id0, kh0, kh1, ih0);
                        continue;
                    }
                    new Span<float>(rowMax + pw, inW).Fill(float.NegativeInfinity);
                    for (int kd = kd0; kd < kd1; kd++)
                        for (int kh = kh0; kh < kh1; kh++)
                            MaxInto(rowMax + pw, src + ((long)(id0 + kd * dd) * inH + ih0 + kh * dh) * inW, inW);
                    new Span<float>(columnMax, span).Fill(float.NegativeInfinity);
                    for (int kw = 0; kw < kW; kw++)
                        MaxInto(columnMax, rowMax + kw * dw, span);
                    if (sw == 1)
                        new Span<float>(columnMax, outW).CopyTo(new Span<float>(dst, outW));
                    else
                        for (int ow = 0; ow < outW; ow++)
                            dst[ow] = columnMax[ow * sw];
                }
            }
        }
    }

    /// <summary>2×2 stride-2 windows: four outputs per step from two rows of eight inputs, deinterleaved by shuffles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPairs(float* x, float* y, int start, int end)
    {
        var window = _window;
        int inW = window.Input[2], outH = window.Output[0] * window.Output[1], outW = window.Output[2];
        int inPixels = window.InputSize, outPixels = window.OutputSize;
        var lowest = Vector128.Create(float.NegativeInfinity);
        for (int plane = start; plane < end; plane++)
        {
            float* src = x + (long)plane * inPixels;
            float* dst = y + (long)plane * outPixels;
            for (int oh = 0; oh < outH; oh++, dst += outW)
            {
                float* top = src + 2L * oh * inW, bottom = top + inW;
                int ow = 0;
                for (; ow + 4 <= outW; ow += 4)
                {
                    // MAXPS keeps its second operand when the first is NaN: folding into a -inf start skips NaN.
                    var left = Sse.Max(Vector128.Load(bottom + 2 * ow), Sse.Max(Vector128.Load(top + 2 * ow), lowest));
                    var right = Sse.Max(Vector128.Load(bottom + 2 * ow + 4), Sse.Max(Vector128.Load(top + 2 * ow + 4), lowest));
                    Vector128.Store(Sse.Max(Sse.Shuffle(left, right, 0xDD), Sse.Shuffle(left, right, 0x88)), dst + ow);
                }
                for (; ow < outW; ow++)
                {
                    float best = Greater(top[2 * ow], float.NegativeInfinity);
                    best = Greater(top[2 * ow + 1], best);
                    best = Greater(bottom[2 * ow], best);
                    dst[ow] = Greater(bottom[2 * ow + 1], best);
                }
            }
        }
    }

    /// <summary>One output row by scanning each output's valid taps directly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanWindows(float* src, float* dst, int outW, int kd0, int kd1, int id0, int kh0, int kh1, int ih0)
    {
        var window = _window;
        int inH = window.Input[1], inW = window.Input[2];
        int dd = window.Dilations[0], dh = window.Dilations[1], dw = window.Dilations[2];
        for (int ow = 0; ow < outW; ow++)
        {
            float best = float.NegativeInfinity;
            int kw0 = _columnFirst[ow], kw1 = _columnLast[ow], iw0 = _columnStart[ow];
            for (int kd = kd0; kd < kd1; kd++)
                for (int kh = kh0; kh < kh1; kh++)
                {
                    float* row = src + ((long)(id0 + kd * dd) * inH + ih0 + kh * dh) * inW + iw0;
                    for (int kw = kw0; kw < kw1; kw++)
                        best = Greater(row[kw * dw], best);
                }
            dst[ow] = best;
        }
    }

    /// <summary><paramref name="value"/> when greater than <paramref name="best"/> (never NaN), without a branch on x86.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Greater(float value, float best) =>
        Sse.IsSupported ? Sse.MaxScalar(Vector128.CreateScalarUnsafe(value), Vector128.CreateScalarUnsafe(best)).ToScalar()
            : value > best ? value : best;

    /// <summary>max[i] = row[i] where row[i] &gt; max[i] (NaN never replaces).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxInto(float* max, float* row, int count)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (int w = Vector<float>.Count; i + w <= count; i += w)
            {
                var m = Vector.Load(max + i);
                var v = Vector.Load(row + i);
                Vector.Store(Vector.ConditionalSelect(Vector.GreaterThan(v, m), v, m), max + i);
            }
        for (; i < count; i++)
            if (row[i] > max[i])
                max[i] = row[i];
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// MaxPool over uint8 or int8 (<typeparamref name="T"/> is byte or sbyte) in two passes per output row, as
/// <see cref="FloatMaxPoolKernel"/> does: the maximum over the window's valid input rows, then over each output's
/// columns of that row between margins of the type's minimum (so padding never wins), both vectorised. Stride 2
/// deinterleaves the row maximum into even and odd columns so that the column pass stays contiguous; 2×2 stride-2
/// windows tiling the plane take a single fused pass.
/// </summary>
internal sealed unsafe class ByteMaxPoolKernel<T> : Kernel
    where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    /// <summary>Widest padded row the per-call stack buffers hold; wider inputs use the generic kernel.</summary>
    private const int MaxRowWidth = 8192;

    /// <summary>Slack past every scratch row so that whole-vector loads and stores stay inside it.</summary>
    private const int Slack = 32;

    public static bool Handles(SpatialWindow window) =>
        Math.Max(window.PadsBegin[2] + window.Input[2], (window.Output[2] - 1) * window.Strides[2] + 1 + (window.Kernel[2] - 1) * window.Dilations[2]) <= MaxRowWidth;

    private readonly SpatialWindow _window;
    private readonly int _planes;
    private readonly int[] _columnFirst, _columnLast, _columnStart;
    /// <summary>Rows narrower than one vector gain nothing from the row passes: each window is scanned directly.</summary>
    private readonly bool _narrow;
    /// <summary>2×2 windows at stride 2 tiling the plane (the CNN downsampler): one fused pass per output row.</summary>
    private readonly bool _pairs;
    /// <summary>
    /// Set for 2×2 stride-2 windows tiling rows 4 or 8 wide exactly: the planes are then one stream of row pairs, and
    /// this AVX2 permutation gathers the top rows of a 32-byte block into its low half and the bottom rows into its high half.
    /// </summary>
    private readonly Vector256<int> _rowPairGather;
    private readonly bool _narrowPairs;
    /// <summary>Stride 2 over 2 or 3 adjacent columns, at least 8 outputs: one fused pass instead of deinterleaving.</summary>
    private readonly bool _stridePairColumns;

    public ByteMaxPoolKernel(SpatialWindow window, int planes)
    {
        if (typeof(T) != typeof(byte) && typeof(T) != typeof(sbyte))
            throw new NotSupportedException($"{nameof(ByteMaxPoolKernel<T>)} pools bytes, not {typeof(T).Name}");
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
        _narrow = window.Input[2] < Vector128<byte>.Count;
        _pairs = window.Input[0] == 1 && window.Kernel is [1, 2, 2] && window.Strides[1..] is [2, 2] && window.Dilations[1..] is [1, 1]
            && window.PadsBegin[1..] is [0, 0] && window.Input[1] >= 2 * window.Output[1] && window.Input[2] >= 2 * window.Output[2];
        _stridePairColumns = Vector128.IsHardwareAccelerated && window.Strides[2] == 2 && window.Dilations[2] == 1
            && window.Kernel[2] is 2 or 3 && window.Output[2] >= 8;
        _narrowPairs = _pairs && Avx2.IsSupported && window.Input[2] is 4 or 8
            && window.Input[1] == 2 * window.Output[1] && window.Input[2] == 2 * window.Output[2];
        if (_narrowPairs)
        {
            int wordsPerRow = window.Input[2] / sizeof(int);
            var gather = new int[Vector256<int>.Count];
            for (int i = 0; i < 4; i++)
            {
                gather[i] = i / wordsPerRow * 2 * wordsPerRow + i % wordsPerRow;
                gather[i + 4] = gather[i] + wordsPerRow;
            }
            _rowPairGather = Vector256.Create(gather);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(KernelContext context)
    {
        fixed (T* x = context.Input(0).AsSpan<T>(), y = context.Output(0).AsSpan<T>())
        {
            var job = new Job(this, x, y);
            long work = (long)_planes * _window.OutputSize * _window.KernelSize;
            if (context.Parallel.Threads > 1 && work >= 1 << 19)
                context.Parallel.For(_planes, 1, in job, &RunJob);
            else
                Run(x, y, 0, _planes);
        }
    }

    private readonly struct Job(ByteMaxPoolKernel<T> kernel, T* x, T* y)
    {
        public ByteMaxPoolKernel<T> Kernel { get; } = kernel;
        public T* X { get; } = x;
        public T* Y { get; } = y;
    }

    private static void RunJob(in Job job, int start, int end) => job.Kernel.Run(job.X, job.Y, start, end);

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(T* x, T* y, int start, int end)
    {
        if (_pairs)
        {
            RunPairs(x, y, start, end);
            return;
        }
        var window = _window;
        int inH = window.Input[1], inW = window.Input[2];
        int outD = window.Output[0], outH = window.Output[1], outW = window.Output[2];
        int inPixels = window.InputSize, outPixels = window.OutputSize;
        int dd = window.Dilations[0], dh = window.Dilations[1], dw = window.Dilations[2];
        int sw = window.Strides[2], pw = window.PadsBegin[2], kW = window.Kernel[2];
        int span = (outW - 1) * sw + 1;
        int padded = Math.Max(pw + inW, span + (kW - 1) * dw) + Slack;
        // The row maximum sits between margins of T's minimum, so every horizontal tap can be read and padding never wins.
        T* rowMax = stackalloc T[padded];
        T* even = stackalloc T[padded / 2 + Slack];
        T* odd = stackalloc T[padded / 2 + Slack];
        T* columnMax = stackalloc T[span + Slack];
        new Span<T>(rowMax, padded).Fill(T.MinValue);
        // Stride 2 reads tap kw from the even or odd half at offset kw·dw/2: pairs enough for the last tap of the last output.
        int pairs = outW + (kW - 1) * dw / 2;
        for (int plane = start; plane < end; plane++)
        {
            T* src = x + (long)plane * inPixels;
            T* dst = y + (long)plane * outPixels;
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
                    // Two rows go straight into the row maximum, so a 3-row window costs two passes, not a copy and two.
                    T* firstRow = null;
                    int rows = 0;
                    for (int kd = kd0; kd < kd1; kd++)
                        for (int kh = kh0; kh < kh1; kh++, rows++)
                        {
                            T* row = src + ((long)(id0 + kd * dd) * inH + ih0 + kh * dh) * inW;
                            if (rows == 0)
                                firstRow = row;
                            else
                                MaxOf(rowMax + pw, rows == 1 ? firstRow : rowMax + pw, row, inW);
                        }
                    if (rows == 0)
                        new Span<T>(rowMax + pw, inW).Fill(T.MinValue);
                    else if (rows == 1)
                        new Span<T>(firstRow, inW).CopyTo(new Span<T>(rowMax + pw, inW));
                    if (sw == 1)
                        MaxOfTaps(dst, rowMax, rowMax, outW, kW, dw, 1);
                    else if (_stridePairColumns)
                        StrideTwoColumns(dst, rowMax, outW, kW);
                    else if (sw == 2)
                    {
                        Deinterleave(rowMax, even, odd, pairs);
                        MaxOfTaps(dst, even, odd, outW, kW, dw, 2);
                    }
                    else
                    {
                        MaxOfTaps(columnMax, rowMax, rowMax, span, kW, dw, 1);
                        for (int ow = 0; ow < outW; ow++)
                            dst[ow] = columnMax[ow * sw];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stride 2, 2 or 3 adjacent taps: dst[o] = max(row[2o], row[2o + 1][, row[2o + 2]]) for 8 or 16 outputs per step, the
    /// column pairs split by 16-bit lanes in the unsigned form (the last step overlapping, its stores being pure).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StrideTwoColumns(T* dst, T* row, int count, int kW)
    {
        int ow = 0;
        for (; ow + 16 <= count; ow += 16)
        {
            var low = StrideTwoOf8(row + 2 * ow, kW);
            var high = StrideTwoOf8(row + 2 * ow + 16, kW);
            Vector128.Store(FromUnsigned(Vector128.Narrow(low, high)), dst + ow);
        }
        for (; ow < count; ow += 8)
        {
            ow = Math.Min(ow, count - 8);
            var eight = StrideTwoOf8(row + 2 * ow, kW);
            *(ulong*)(dst + ow) = FromUnsigned(Vector128.Narrow(eight, eight)).AsUInt64().ToScalar();
        }
    }

    /// <summary>Eight stride-2 window maxima over columns starting at <paramref name="row"/>, one per 16-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> StrideTwoOf8(T* row, int kW)
    {
        var pairs = ColumnPairs(Vector128.Load(row));
        if (kW == 2)
            return pairs;
        var next = (Vector128.Load(row + 2).AsByte() ^ SignBias()).AsUInt16();
        return Vector128.Max(pairs, next & Vector128.Create((ushort)0xFF));
    }

    /// <summary>
    /// dst[o] = max over taps kw of the row at column o·stride + kw·dw, where the row is held as <paramref name="stride"/>
    /// phases: phase p of column c is at phases[c mod stride][c / stride] (<paramref name="even"/>, <paramref name="odd"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaxOfTaps(T* dst, T* even, T* odd, int count, int kW, int dw, int stride)
    {
        new Span<T>(even, count).CopyTo(new Span<T>(dst, count));
        for (int kw = 1; kw < kW; kw++)
        {
            int offset = kw * dw;
            MaxOf(dst, dst, (offset % stride == 0 ? even : odd) + offset / stride, count);
        }
    }

    /// <summary>2×2 stride-2 windows: the maximum of two rows, then of each adjacent column pair, in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPairs(T* x, T* y, int start, int end)
    {
        var window = _window;
        int inW = window.Input[2], outH = window.Output[0] * window.Output[1], outW = window.Output[2];
        int inPixels = window.InputSize, outPixels = window.OutputSize;
        if (_narrowPairs && (end - start) * outPixels >= 16)
        {
            RunNarrowPairs(x + (long)start * inPixels, y + (long)start * outPixels, (end - start) * outPixels);
            return;
        }
        for (int plane = start; plane < end; plane++)
        {
            T* src = x + (long)plane * inPixels;
            T* dst = y + (long)plane * outPixels;
            for (int oh = 0; oh < outH; oh++, dst += outW)
            {
                T* top = src + 2L * oh * inW, bottom = top + inW;
                int ow = 0;
                if (Vector128.IsHardwareAccelerated && outW >= 8)
                {
                    // Each store is a pure function of its inputs, so the last (overlapping) step may redo a few outputs.
                    for (; ow + 16 <= outW; ow += 16)
                        PairsOf32(top + 2 * ow, bottom + 2 * ow, dst + ow);
                    for (; ow < outW; ow += 8)
                    {
                        ow = Math.Min(ow, outW - 8);
                        PairsOf16(top + 2 * ow, bottom + 2 * ow, dst + ow);
                    }
                    continue;
                }
                for (; ow < outW; ow++)
                    dst[ow] = Max(Max(top[2 * ow], top[2 * ow + 1]), Max(bottom[2 * ow], bottom[2 * ow + 1]));
            }
        }
    }

    /// <summary>
    /// 2×2 stride-2 windows tiling rows of 4 or 8 exactly: <paramref name="count"/> outputs from 4·count inputs, sixteen at a
    /// time from 64 inputs (the last step overlapping), whatever the row and plane boundaries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunNarrowPairs(T* src, T* dst, int count)
    {
        var gather = _rowPairGather;
        for (int k = 0; k < count; k += 16)
        {
            k = Math.Min(k, count - 16);
            var low = ColumnPairs(RowPairMax(Vector256.Load(src + 4L * k), gather));
            var high = ColumnPairs(RowPairMax(Vector256.Load(src + 4L * k + 32), gather));
            Vector128.Store(FromUnsigned(Vector128.Narrow(low, high)), dst + k);
        }
    }

    /// <summary>The maximum of the top and bottom rows of each row pair in a 32-byte block, in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> RowPairMax(Vector256<T> block, Vector256<int> gather)
    {
        var split = Avx2.PermuteVar8x32(block.AsInt32(), gather).As<int, T>();
        return Vector128.Max(split.GetLower(), split.GetUpper());
    }

    /// <summary>Sixteen 2×2 maxima from 32 columns of two rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairsOf32(T* top, T* bottom, T* dst)
    {
        var low = ColumnPairs(Vector128.Max(Vector128.Load(top), Vector128.Load(bottom)));
        var high = ColumnPairs(Vector128.Max(Vector128.Load(top + 16), Vector128.Load(bottom + 16)));
        Vector128.Store(FromUnsigned(Vector128.Narrow(low, high)), dst);
    }

    /// <summary>Eight 2×2 maxima from 16 columns of two rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairsOf16(T* top, T* bottom, T* dst)
    {
        var pairs = ColumnPairs(Vector128.Max(Vector128.Load(top), Vector128.Load(bottom)));
        *(ulong*)dst = FromUnsigned(Vector128.Narrow(pairs, pairs)).AsUInt64().ToScalar();
    }

    /// <summary>The larger of each adjacent pair of bytes, in the order-preserving unsigned form, one per 16-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> ColumnPairs(Vector128<T> values)
    {
        var words = (values.AsByte() ^ SignBias()).AsUInt16();
        return Vector128.Max(words & Vector128.Create((ushort)0xFF), words >>> 8);
    }

    /// <summary>Undoes the unsigned form of <see cref="ColumnPairs"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> FromUnsigned(Vector128<byte> values) => (values ^ SignBias()).As<byte, T>();

    /// <summary>XOR with 0x80 maps int8 order onto uint8 order; uint8 needs no change.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> SignBias() => typeof(T) == typeof(sbyte) ? Vector128.Create((byte)0x80) : Vector128<byte>.Zero;

    /// <summary>even[j] = row[2j], odd[j] = row[2j + 1] for j &lt; <paramref name="count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Deinterleave(T* row, T* even, T* odd, int count)
    {
        int j = 0;
        if (Vector128.IsHardwareAccelerated && count >= 16)
        {
            var lowByte = Vector128.Create((ushort)0xFF);
            for (; j < count; j += 16)
            {
                // Rewriting a few pairs in the overlapping last step is harmless.
                j = Math.Min(j, count - 16);
                var low = Vector128.Load((ushort*)(row + 2 * j));
                var high = Vector128.Load((ushort*)(row + 2 * j + 16));
                Vector128.Store(Vector128.Narrow(low & lowByte, high & lowByte).As<byte, T>(), even + j);
                Vector128.Store(Vector128.Narrow(low >>> 8, high >>> 8).As<byte, T>(), odd + j);
            }
            return;
        }
        for (; j < count; j++)
        {
            even[j] = row[2 * j];
            odd[j] = row[2 * j + 1];
        }
    }

    /// <summary>One output row by scanning each output's valid taps directly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanWindows(T* src, T* dst, int outW, int kd0, int kd1, int id0, int kh0, int kh1, int ih0)
    {
        var window = _window;
        int inH = window.Input[1], inW = window.Input[2];
        int dd = window.Dilations[0], dh = window.Dilations[1], dw = window.Dilations[2];
        for (int ow = 0; ow < outW; ow++)
        {
            T best = T.MinValue;
            int kw0 = _columnFirst[ow], kw1 = _columnLast[ow], iw0 = _columnStart[ow];
            for (int kd = kd0; kd < kd1; kd++)
                for (int kh = kh0; kh < kh1; kh++)
                {
                    T* row = src + ((long)(id0 + kd * dd) * inH + ih0 + kh * dh) * inW + iw0;
                    for (int kw = kw0; kw < kw1; kw++)
                        best = Max(row[kw * dw], best);
                }
            dst[ow] = best;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Max(T a, T b) => a > b ? a : b;

    /// <summary>dst[i] = the larger of a[i] and b[i]; dst may be a itself but must not otherwise overlap a or b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxOf(T* dst, T* a, T* b, int count)
    {
        // Max is idempotent, so a tail shorter than a vector is one more whole vector overlapping the last.
        if (Vector256.IsHardwareAccelerated && count >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            for (int i = 0; i < count; i += w)
            {
                i = Math.Min(i, count - w);
                Vector256.Store(Vector256.Max(Vector256.Load(a + i), Vector256.Load(b + i)), dst + i);
            }
            return;
        }
        if (Vector128.IsHardwareAccelerated && count >= Vector128<T>.Count)
        {
            int w = Vector128<T>.Count;
            for (int i = 0; i < count; i += w)
            {
                i = Math.Min(i, count - w);
                Vector128.Store(Vector128.Max(Vector128.Load(a + i), Vector128.Load(b + i)), dst + i);
            }
            return;
        }
        for (int i = 0; i < count; i++)
            dst[i] = Max(a[i], b[i]);
    }
}

using System.Buffers;
using System.Runtime.Intrinsics;
using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// Runs a panel kernel over a whole GEMM. Every variant computes P = Σ a'·b' on flipped operands
/// (a = a' + α, b = b' + β); with p = α − aZero and q = β − bZero the exact result is
/// C = P + q·Σa' + p·(Σb' + K·q), all in wrapping int32 like the reference.
/// </summary>
internal static class Int8GemmDriver
{
    /// <summary>Below this many multiply-adds a GEMM stays on one thread: splitting costs more than it saves.</summary>
    private const long ParallelThreshold = 1L << 22;

    /// <summary>Bytes of prepared A a row block may use, so it stays in L2 while the panels stream past it.</summary>
    private const int RowBlockBytes = 128 * 1024;

    public static unsafe void Multiply<TKernel>(ReadOnlySpan<byte> a, bool aSigned, int m, int lda, ReadOnlySpan<int> aZero,
        PackedInt8Matrix b, ReadOnlySpan<int> bZero, Span<int> c, int ldc, ParallelRunner parallel)
        where TKernel : IInt8GemmKernel
    {
        int k = b.K, n = b.N;
        if (m == 0 || n == 0)
            return;
        int width = TKernel.PanelWidth, group = TKernel.KGroup;
        int kPadded = Int8GemmPacking.RoundUp(k, group), panels = Int8GemmPacking.RoundUp(n, width) / width;
        int elementBytes = TKernel.AForm == Int8GemmAForm.Int16 ? 2 : 1;
        int aStride = Int8GemmPacking.RoundUp(Math.Max(1, kPadded * elementBytes), 64);

        // A is prepared one row block at a time: the scratch stays small (im2col inputs can have huge M) and hot in L2.
        int rowBlock = Math.Min(m, Math.Max(4, RowBlockBytes / aStride / 4 * 4));
        var aPrepared = ArrayPool<byte>.Shared.Rent(rowBlock * aStride);
        var ints = ArrayPool<int>.Shared.Rent(2 * rowBlock + 2 * panels * width);
        try
        {
            var rowSum = ints.AsSpan(0, rowBlock);
            var p = ints.AsSpan(rowBlock, rowBlock);
            var q = ints.AsSpan(2 * rowBlock, panels * width);
            var r = ints.AsSpan(2 * rowBlock + panels * width, panels * width);
            int alpha = TKernel.AForm switch
            {
                Int8GemmAForm.UInt8 => aSigned ? -128 : 0,
                Int8GemmAForm.SInt8 => aSigned ? 0 : 128,
                _ => 0,
            };
            int beta = b.IsSigned ? 0 : 128;
            var columnSums = b.ColumnSums;
            for (int col = 0; col < n; col++)
            {
                int qc = beta - (bZero.Length == 1 ? bZero[0] : bZero[col]);
                q[col] = qc;
                r[col] = unchecked(columnSums[col] - k * beta + k * qc);
            }
            q[n..].Clear();
            r[n..].Clear();

            fixed (byte* aFixed = aPrepared)
            fixed (byte* bFixed = b.Data)
            fixed (int* intsFixed = ints)
            fixed (int* cFixed = c)
            {
                for (int row0 = 0; row0 < m; row0 += rowBlock)
                {
                    int rows = Math.Min(rowBlock, m - row0);
                    for (int row = 0; row < rows; row++)
                    {
                        rowSum[row] = PrepareRow(a.Slice((row0 + row) * lda, k), aSigned, TKernel.AForm, aPrepared.AsSpan(row * aStride, aStride));
                        p[row] = alpha - (aZero.Length == 1 ? aZero[0] : aZero[row0 + row]);
                    }
                    var job = new PanelJob
                    {
                        A = aFixed, AStride = aStride, Rows = rows,
                        B = bFixed, PanelBytes = (long)kPadded * width, KGroups = kPadded / group, Width = width, N = n,
                        RowSum = intsFixed, P = intsFixed + rowBlock, Q = intsFixed + 2 * rowBlock, R = intsFixed + 2 * rowBlock + panels * width,
                        C = cFixed + (nint)row0 * ldc, Ldc = ldc,
                    };
                    if (parallel.Threads > 1 && panels > 1 && (long)rows * n * k > ParallelThreshold)
                        RunParallel<TKernel>(job, panels, parallel);
                    else
                        RunPanels<TKernel>(job, 0, panels);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ints);
            ArrayPool<byte>.Shared.Return(aPrepared);
        }
    }

    /// <summary>Kept apart so the closure is only allocated when the work is split (batch-1 calls allocate nothing).</summary>
    private static void RunParallel<TKernel>(PanelJob job, int panels, ParallelRunner parallel) where TKernel : IInt8GemmKernel =>
        parallel.For(panels, 1, (first, end) => RunPanels<TKernel>(job, first, end));

    private static unsafe void RunPanels<TKernel>(in PanelJob job, int first, int end) where TKernel : IInt8GemmKernel
    {
        for (int panel = first; panel < end; panel++)
        {
            int col0 = panel * job.Width;
            TKernel.Run(job.A, job.AStride, job.Rows, job.B + panel * job.PanelBytes, job.KGroups,
                job.RowSum, job.P, job.Q + col0, job.R + col0, job.C + col0, job.Ldc, Math.Min(job.Width, job.N - col0));
        }
    }

    /// <summary>Pinned operands of one row block (valid while the caller's fixed block runs).</summary>
    private unsafe struct PanelJob
    {
        public byte* A;
        public nint AStride;
        public int Rows;
        public byte* B;
        public long PanelBytes;
        public int KGroups;
        public int Width;
        public int N;
        public int* RowSum;
        public int* P;
        public int* Q;
        public int* R;
        public int* C;
        public nint Ldc;
    }

    /// <summary>Writes one A row in <paramref name="form"/>, zero-padded, and returns the sum of the written values.</summary>
    internal static int PrepareRow(ReadOnlySpan<byte> source, bool signed, Int8GemmAForm form, Span<byte> destination)
    {
        destination.Clear();
        return form switch
        {
            Int8GemmAForm.Int16 => signed ? WidenRow<sbyte>(source, destination) : WidenRow<byte>(source, destination),
            Int8GemmAForm.UInt8 => FlipRow<byte>(source, signed ? (byte)0x80 : (byte)0, destination),
            _ => FlipRow<sbyte>(source, signed ? (byte)0 : (byte)0x80, destination),
        };
    }

    private static int WidenRow<T>(ReadOnlySpan<byte> source, Span<byte> destination) where T : unmanaged
    {
        var shorts = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(destination);
        int i = 0, total = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // int16 lane sums stay exact for 64 blocks of 16 (2 values a lane each, |v| ≤ 255).
            while (i + 16 <= source.Length)
            {
                var sum16 = Vector128<short>.Zero;
                for (int block = 0; block < 64 && i + 16 <= source.Length; block++, i += 16)
                {
                    var bytes = Vector128.Create(source.Slice(i, 16));
                    var (lower, upper) = Widen<T>(bytes);
                    lower.StoreUnsafe(ref shorts[i]);
                    upper.StoreUnsafe(ref shorts[i + 8]);
                    sum16 += lower + upper;
                }
                var (sumLower, sumUpper) = Vector128.Widen(sum16);
                total += Vector128.Sum(sumLower + sumUpper);
            }
        }
        for (; i < source.Length; i++)
        {
            int value = typeof(T) == typeof(sbyte) ? (sbyte)source[i] : source[i];
            shorts[i] = (short)value;
            total += value;
        }
        return total;
    }

    private static (Vector128<short> Lower, Vector128<short> Upper) Widen<T>(Vector128<byte> bytes) where T : unmanaged
    {
        if (typeof(T) == typeof(sbyte))
            return Vector128.Widen(bytes.AsSByte());
        var (lower, upper) = Vector128.Widen(bytes);
        return (lower.AsInt16(), upper.AsInt16());
    }

    /// <typeparam name="T">The element type of the flipped values (what the sum is taken over).</typeparam>
    private static int FlipRow<T>(ReadOnlySpan<byte> source, byte flip, Span<byte> destination) where T : unmanaged
    {
        int i = 0, total = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var flipVector = Vector128.Create(flip);
            while (i + 16 <= source.Length)
            {
                var sum16 = Vector128<short>.Zero;
                for (int block = 0; block < 64 && i + 16 <= source.Length; block++, i += 16)
                {
                    var bytes = Vector128.Create(source.Slice(i, 16)) ^ flipVector;
                    bytes.StoreUnsafe(ref destination[i]);
                    var (lower, upper) = Widen<T>(bytes);
                    sum16 += lower + upper;
                }
                var (sumLower, sumUpper) = Vector128.Widen(sum16);
                total += Vector128.Sum(sumLower + sumUpper);
            }
        }
        for (; i < source.Length; i++)
        {
            byte flipped = (byte)(source[i] ^ flip);
            destination[i] = flipped;
            total += typeof(T) == typeof(sbyte) ? (sbyte)flipped : flipped;
        }
        return total;
    }
}

using System.Runtime.CompilerServices;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// The register-blocked float GEMM for any vector width: an <see cref="Rows"/>×2W micro-kernel over
/// packed A and B panels, a GEMV for one row that streams packed B once, and the epilogue (C
/// accumulation across K blocks, bias, activation) shared by both.
/// </summary>
internal static unsafe class FloatGemmKernels<TVec, TOps>
    where TVec : struct
    where TOps : struct, IFloatSimd<TVec>
{
    /// <summary>Rows of the micro-kernel: 12 accumulators + 2 B vectors + 1 broadcast fit 16 registers.</summary>
    public const int Rows = 6;

    /// <summary>Depth of one K block: a 6×KC A panel stays in L1, a KC×NR B panel in L1/L2.</summary>
    public const int DepthBlock = 256;

    /// <summary>Columns of one N block, so that its KC×NC slice of packed B stays in L2.</summary>
    public const int ColumnBlock = 256;

    public static int PanelWidth => 2 * TOps.Width;

    /// <summary>A panels packed together, so that column-major A is read in runs of this many rows.</summary>
    public const int PanelsPerRowBlock = 8;

    /// <summary>Computes rows [rowStart, rowEnd) × panels [panelStart, panelEnd) of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Run(in FloatGemmJob job, int rowStart, int rowEnd, int panelStart, int panelEnd)
    {
        int nr = PanelWidth;
        int k = job.K;
        const int blockRows = Rows * PanelsPerRowBlock;
        float* aBlock = stackalloc float[blockRows * DepthBlock];
        float* tile = stackalloc float[Rows * 2 * 16];
        int panelsPerBlock = Math.Max(1, ColumnBlock / nr);
        for (int pb = panelStart; pb < panelEnd; pb += panelsPerBlock)
        {
            int pbEnd = Math.Min(panelEnd, pb + panelsPerBlock);
            for (int kb = 0; kb < k; kb += DepthBlock)
            {
                int kc = Math.Min(DepthBlock, k - kb);
                bool first = kb == 0, last = kb + kc == k;
                for (int ib = rowStart; ib < rowEnd; ib += blockRows)
                {
                    int ibEnd = Math.Min(rowEnd, ib + blockRows);
                    PackABlock(job.A, job.ARowStride, job.AColStride, ib, ibEnd, kb, kc, aBlock);
                    float* aPanel = aBlock;
                    for (int i = ib; i < ibEnd; i += Rows, aPanel += Rows * kc)
                    {
                        int rows = Math.Min(Rows, ibEnd - i);
                        for (int p = pb; p < pbEnd; p++)
                        {
                            int j = p * nr;
                            MicroKernel(kc, aPanel, job.B + (long)p * k * nr + (long)kb * nr, tile);
                            Epilogue(job, tile, nr, i, rows, j, Math.Min(nr, job.N - j), first, last);
                        }
                    }
                }
            }
        }
    }

    /// <summary>One row of C over panels [panelStart, panelEnd): each packed panel is read once, K unrolled by 2 for independent FMA chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunSingleRow(in FloatGemmJob job, int panelStart, int panelEnd)
    {
        int nr = PanelWidth, w = TOps.Width, k = job.K;
        float* tile = stackalloc float[2 * 16];
        float* a = job.A;
        long aStep = job.AColStride;
        for (int p = panelStart; p < panelEnd; p++)
        {
            float* b = job.B + (long)p * k * nr;
            TVec s0 = TOps.Zero, s1 = TOps.Zero, t0 = TOps.Zero, t1 = TOps.Zero;
            int kk = 0;
            for (; kk + 1 < k; kk += 2)
            {
                var x0 = TOps.Broadcast(a[kk * aStep]);
                var x1 = TOps.Broadcast(a[(kk + 1) * aStep]);
                s0 = TOps.MultiplyAdd(x0, TOps.Load(b), s0);
                s1 = TOps.MultiplyAdd(x0, TOps.Load(b + w), s1);
                t0 = TOps.MultiplyAdd(x1, TOps.Load(b + nr), t0);
                t1 = TOps.MultiplyAdd(x1, TOps.Load(b + nr + w), t1);
                b += 2 * nr;
            }
            if (kk < k)
            {
                var x0 = TOps.Broadcast(a[kk * aStep]);
                s0 = TOps.MultiplyAdd(x0, TOps.Load(b), s0);
                s1 = TOps.MultiplyAdd(x0, TOps.Load(b + w), s1);
            }
            TOps.Store(tile, TOps.Add(s0, t0));
            TOps.Store(tile + w, TOps.Add(s1, t1));
            int j = p * nr;
            Epilogue(job, tile, nr, 0, 1, j, Math.Min(nr, job.N - j), true, true);
        }
    }

    /// <summary>
    /// Packs rows [row, rowEnd) × depth [kb, kb+kc) of strided A as consecutive Rows-interleaved
    /// panels (Rows·kc each), zero-padding the last panel's missing rows.
    /// </summary>
    private static void PackABlock(float* a, long rowStride, long colStride, int row, int rowEnd, int kb, int kc, float* dst)
    {
        int fullPanels = (rowEnd - row) / Rows;
        if (rowStride == 1 && fullPanels > 0)
        {
            // Column-major A (Conv's im2col, transposed operands): read each depth's rows as one run.
            float* src = a + row + kb * colStride;
            int panelStride = Rows * kc;
            for (int p = 0; p < kc; p++, src += colStride)
            {
                float* s = src;
                float* d = dst + p * Rows;
                for (int q = 0; q < fullPanels; q++, s += Rows, d += panelStride)
                {
                    d[0] = s[0]; d[1] = s[1]; d[2] = s[2];
                    d[3] = s[3]; d[4] = s[4]; d[5] = s[5];
                }
            }
            row += fullPanels * Rows;
            dst += fullPanels * panelStride;
        }
        for (; row < rowEnd; row += Rows, dst += Rows * kc)
            PackA(a, rowStride, colStride, row, Math.Min(Rows, rowEnd - row), kb, kc, dst);
    }

    /// <summary>Packs one panel: rows [row, row+rows) × depth [kb, kb+kc), zero-padding missing rows.</summary>
    private static void PackA(float* a, long rowStride, long colStride, int row, int rows, int kb, int kc, float* dst)
    {
        if (rows < Rows)
            new Span<float>(dst, Rows * kc).Clear();
        for (int r = 0; r < rows; r++)
        {
            float* src = a + (row + r) * rowStride + kb * colStride;
            float* d = dst + r;
            if (colStride == 1)
                for (int p = 0; p < kc; p++)
                    d[p * Rows] = src[p];
            else
                for (int p = 0; p < kc; p++)
                    d[p * Rows] = src[p * colStride];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MicroKernel(int kc, float* a, float* b, float* tile)
    {
        int w = TOps.Width, nr = 2 * w;
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c10 = TOps.Zero, c11 = TOps.Zero, c20 = TOps.Zero, c21 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero, c40 = TOps.Zero, c41 = TOps.Zero, c50 = TOps.Zero, c51 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = TOps.Load(b);
            var b1 = TOps.Load(b + w);
            var x = TOps.Broadcast(a[0]);
            c00 = TOps.MultiplyAdd(x, b0, c00);
            c01 = TOps.MultiplyAdd(x, b1, c01);
            x = TOps.Broadcast(a[1]);
            c10 = TOps.MultiplyAdd(x, b0, c10);
            c11 = TOps.MultiplyAdd(x, b1, c11);
            x = TOps.Broadcast(a[2]);
            c20 = TOps.MultiplyAdd(x, b0, c20);
            c21 = TOps.MultiplyAdd(x, b1, c21);
            x = TOps.Broadcast(a[3]);
            c30 = TOps.MultiplyAdd(x, b0, c30);
            c31 = TOps.MultiplyAdd(x, b1, c31);
            x = TOps.Broadcast(a[4]);
            c40 = TOps.MultiplyAdd(x, b0, c40);
            c41 = TOps.MultiplyAdd(x, b1, c41);
            x = TOps.Broadcast(a[5]);
            c50 = TOps.MultiplyAdd(x, b0, c50);
            c51 = TOps.MultiplyAdd(x, b1, c51);
            a += Rows;
            b += nr;
        }
        TOps.Store(tile, c00); TOps.Store(tile + w, c01);
        TOps.Store(tile + nr, c10); TOps.Store(tile + nr + w, c11);
        TOps.Store(tile + 2 * nr, c20); TOps.Store(tile + 2 * nr + w, c21);
        TOps.Store(tile + 3 * nr, c30); TOps.Store(tile + 3 * nr + w, c31);
        TOps.Store(tile + 4 * nr, c40); TOps.Store(tile + 4 * nr + w, c41);
        TOps.Store(tile + 5 * nr, c50); TOps.Store(tile + 5 * nr + w, c51);
    }

    /// <summary>Writes a tile: adds C from earlier K blocks, or the bias on the first; clamps on the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Epilogue(in FloatGemmJob job, float* tile, int tileStride, int row, int rows, int col, int cols, bool first, bool last)
    {
        bool clamp = last && !job.Activation.IsNone;
        float* c = job.C + row * job.CRowStride + col * job.CColStride;
        int w = TOps.Width;
        if (job.CColStride == 1 && cols == 2 * w)
        {
            var lo = TOps.Broadcast(job.Activation.Min);
            var hi = TOps.Broadcast(job.Activation.Max);
            TVec bias0 = TOps.Zero, bias1 = TOps.Zero;
            bool columnBias = first && job.Bias != null && !job.BiasPerRow;
            if (columnBias)
            {
                bias0 = TOps.Load(job.Bias + col);
                bias1 = TOps.Load(job.Bias + col + w);
            }
            for (int r = 0; r < rows; r++)
            {
                float* cr = c + r * job.CRowStride;
                var v0 = TOps.Load(tile + r * tileStride);
                var v1 = TOps.Load(tile + r * tileStride + w);
                if (!first)
                {
                    v0 = TOps.Add(v0, TOps.Load(cr));
                    v1 = TOps.Add(v1, TOps.Load(cr + w));
                }
                else if (columnBias)
                {
                    v0 = TOps.Add(v0, bias0);
                    v1 = TOps.Add(v1, bias1);
                }
                else if (job.Bias != null)
                {
                    var rb = TOps.Broadcast(job.Bias[row + r]);
                    v0 = TOps.Add(v0, rb);
                    v1 = TOps.Add(v1, rb);
                }
                if (clamp)
                {
                    v0 = TOps.Clamp(v0, lo, hi);
                    v1 = TOps.Clamp(v1, lo, hi);
                }
                TOps.Store(cr, v0);
                TOps.Store(cr + w, v1);
            }
            return;
        }
        if (first && job.CRowStride == 1 && rows == Rows && cols == 2 * w)
        {
            // Transposed C (Conv's NCHW output): finish the tile with vectors in place, then write its columns as row runs.
            var lo = TOps.Broadcast(job.Activation.Min);
            var hi = TOps.Broadcast(job.Activation.Max);
            bool columnBias = job.Bias != null && !job.BiasPerRow;
            TVec bias0 = columnBias ? TOps.Load(job.Bias + col) : TOps.Zero;
            TVec bias1 = columnBias ? TOps.Load(job.Bias + col + w) : TOps.Zero;
            for (int r = 0; r < Rows; r++)
            {
                float* t = tile + r * tileStride;
                TVec b0 = bias0, b1 = bias1;
                if (job.Bias != null && job.BiasPerRow)
                    b0 = b1 = TOps.Broadcast(job.Bias[row + r]);
                var v0 = TOps.Add(TOps.Load(t), b0);
                var v1 = TOps.Add(TOps.Load(t + w), b1);
                if (clamp)
                {
                    v0 = TOps.Clamp(v0, lo, hi);
                    v1 = TOps.Clamp(v1, lo, hi);
                }
                TOps.Store(t, v0);
                TOps.Store(t + w, v1);
            }
            long cs = job.CColStride;
            for (int j = 0; j < cols; j++)
            {
                float* cj = c + j * cs;
                cj[0] = tile[j];
                cj[1] = tile[tileStride + j];
                cj[2] = tile[2 * tileStride + j];
                cj[3] = tile[3 * tileStride + j];
                cj[4] = tile[4 * tileStride + j];
                cj[5] = tile[5 * tileStride + j];
            }
            return;
        }
        FloatGemmEpilogue.Scalar(job, tile, tileStride, row, rows, col, cols, first, clamp);
    }
}

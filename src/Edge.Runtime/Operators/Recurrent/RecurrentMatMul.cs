using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Edge.Runtime.Operators.Recurrent;

/// <summary>
/// C = bias + A·B for the recurrent ops. B is packed once (at plan time for constant weights) into column panels
/// two vectors wide, each panel k × panel-width contiguous, so the inner loop broadcasts one A element and streams
/// B sequentially (a plain transposed weight walked column-block-wise strides by a power of two and thrashes L1).
/// Register-blocked 4 rows × 2 vectors. Written before the shared FloatGemm existed; whether FloatGemm beats it
/// on the per-step products (M = batch, a few rows) has not been measured yet.
/// </summary>
internal static class RecurrentMatMul
{
    /// <summary>Columns per packed panel.</summary>
    public static int PanelWidth => 2 * Vector<float>.Count;

    /// <summary>
    /// Packs B = Wᵀ for C = A·B, where <paramref name="weights"/> is the ONNX weight, <paramref name="n"/> rows of
    /// <paramref name="k"/> (row j of W is column j of B). <paramref name="packed"/> takes n × k floats: full panels,
    /// then the remaining columns as one k × (n mod panel) block.
    /// </summary>
    public static void Pack(ReadOnlySpan<float> weights, int n, int k, Span<float> packed)
    {
        if (weights.Length < (long)n * k || packed.Length < (long)n * k)
            throw new ArgumentException("weight or packed span is smaller than n × k");
        int panel = PanelWidth, full = n / panel * panel;
        for (int j0 = 0; j0 < n; j0 += panel)
        {
            int width = j0 < full ? panel : n - full;
            var target = packed.Slice(j0 * k, width * k);
            for (int jj = 0; jj < width; jj++)
            {
                var source = weights.Slice((j0 + jj) * k, k);
                for (int p = 0; p < k; p++)
                    target[p * width + jj] = source[p];
            }
        }
    }

    /// <summary>
    /// Rows [0, m) of <paramref name="c"/> (stride <paramref name="ldc"/>) get columns [0, n) = bias + A·B, where A
    /// is m × k with stride <paramref name="lda"/> and B was packed by <see cref="Pack"/>. An empty
    /// <paramref name="bias"/> means zero.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packedB, Span<float> c, int ldc, int m, int n, int k, ReadOnlySpan<float> bias)
    {
        if (m == 0 || n == 0)
            return;
        if ((m - 1) * (long)lda + k > a.Length || (long)n * k > packedB.Length || (m - 1) * (long)ldc + n > c.Length || (bias.Length != 0 && bias.Length < n))
            throw new ArgumentException("matrix spans are smaller than their dimensions");

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        ref float biasStart = ref MemoryMarshal.GetReference(bias);
        int width = Vector<float>.Count, panel = PanelWidth, full = n / panel * panel;
        for (int j = 0; j < full; j += panel)
        {
            ref float b = ref MemoryMarshal.GetReference(packedB.Slice(j * k, panel * k));
            var init0 = bias.IsEmpty ? Vector<float>.Zero : Vector.LoadUnsafe(ref biasStart, (nuint)j);
            var init1 = bias.IsEmpty ? Vector<float>.Zero : Vector.LoadUnsafe(ref biasStart, (nuint)(j + width));
            int row = 0;
            for (; row <= m - 4; row += 4)
                Block4x2(ref Unsafe.Add(ref a0, row * lda), lda, ref b, panel, ref Unsafe.Add(ref c0, row * ldc + j), ldc, k, init0, init1);
            for (; row < m; row++)
                Block1x2(ref Unsafe.Add(ref a0, row * lda), ref b, panel, ref Unsafe.Add(ref c0, row * ldc + j), k, init0, init1);
        }
        if (full == n)
            return;

        // The last, narrower block: k × tail, row-major.
        int tail = n - full;
        ref float tailB = ref MemoryMarshal.GetReference(packedB.Slice(full * k, tail * k));
        int jj = 0;
        if (tail >= width)
        {
            var init = bias.IsEmpty ? Vector<float>.Zero : Vector.LoadUnsafe(ref biasStart, (nuint)full);
            for (int row = 0; row < m; row++)
                Block1x1(ref Unsafe.Add(ref a0, row * lda), ref tailB, tail, ref Unsafe.Add(ref c0, row * ldc + full), k, init);
            jj = width;
        }
        for (; jj < tail; jj++)
        {
            for (int row = 0; row < m; row++)
            {
                float sum = bias.IsEmpty ? 0f : bias[full + jj];
                ref float aRow = ref Unsafe.Add(ref a0, row * lda);
                for (int p = 0; p < k; p++)
                    sum += Unsafe.Add(ref aRow, p) * Unsafe.Add(ref tailB, p * tail + jj);
                Unsafe.Add(ref c0, row * ldc + full + jj) = sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> MulAdd(Vector<float> x, Vector<float> y, Vector<float> acc) => Vector.MultiplyAddEstimate(x, y, acc);

    /// <remarks><see cref="RecurrentKernel"/> splits batches across threads in whole 4-row blocks to keep results identical: keep them in step.</remarks>
    private static void Block4x2(ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int k, Vector<float> init0, Vector<float> init1)
    {
        int width = Vector<float>.Count;
        Vector<float> c00 = init0, c01 = init1, c10 = init0, c11 = init1, c20 = init0, c21 = init1, c30 = init0, c31 = init1;
        ref float a1 = ref Unsafe.Add(ref a, lda);
        ref float a2 = ref Unsafe.Add(ref a, 2 * lda);
        ref float a3 = ref Unsafe.Add(ref a, 3 * lda);
        for (int p = 0; p < k; p++)
        {
            ref float bRow = ref Unsafe.Add(ref b, p * ldb);
            var b0 = Vector.LoadUnsafe(ref bRow);
            var b1 = Vector.LoadUnsafe(ref bRow, (nuint)width);
            var x = new Vector<float>(Unsafe.Add(ref a, p));
            c00 = MulAdd(x, b0, c00);
            c01 = MulAdd(x, b1, c01);
            x = new Vector<float>(Unsafe.Add(ref a1, p));
            c10 = MulAdd(x, b0, c10);
            c11 = MulAdd(x, b1, c11);
            x = new Vector<float>(Unsafe.Add(ref a2, p));
            c20 = MulAdd(x, b0, c20);
            c21 = MulAdd(x, b1, c21);
            x = new Vector<float>(Unsafe.Add(ref a3, p));
            c30 = MulAdd(x, b0, c30);
            c31 = MulAdd(x, b1, c31);
        }
        c00.StoreUnsafe(ref c);
        c01.StoreUnsafe(ref c, (nuint)width);
        c10.StoreUnsafe(ref Unsafe.Add(ref c, ldc));
        c11.StoreUnsafe(ref Unsafe.Add(ref c, ldc), (nuint)width);
        c20.StoreUnsafe(ref Unsafe.Add(ref c, 2 * ldc));
        c21.StoreUnsafe(ref Unsafe.Add(ref c, 2 * ldc), (nuint)width);
        c30.StoreUnsafe(ref Unsafe.Add(ref c, 3 * ldc));
        c31.StoreUnsafe(ref Unsafe.Add(ref c, 3 * ldc), (nuint)width);
    }

    private static void Block1x2(ref float a, ref float b, int ldb, ref float c, int k, Vector<float> init0, Vector<float> init1)
    {
        int width = Vector<float>.Count;
        // Two independent chains per column vector hide the multiply-add latency on the batch-1 (GEMV) path.
        Vector<float> c0 = init0, c1 = init1, d0 = Vector<float>.Zero, d1 = Vector<float>.Zero;
        int p = 0;
        for (; p <= k - 2; p += 2)
        {
            ref float bRow = ref Unsafe.Add(ref b, p * ldb);
            ref float bNext = ref Unsafe.Add(ref bRow, ldb);
            var x = new Vector<float>(Unsafe.Add(ref a, p));
            var y = new Vector<float>(Unsafe.Add(ref a, p + 1));
            c0 = MulAdd(x, Vector.LoadUnsafe(ref bRow), c0);
            c1 = MulAdd(x, Vector.LoadUnsafe(ref bRow, (nuint)width), c1);
            d0 = MulAdd(y, Vector.LoadUnsafe(ref bNext), d0);
            d1 = MulAdd(y, Vector.LoadUnsafe(ref bNext, (nuint)width), d1);
        }
        if (p < k)
        {
            ref float bRow = ref Unsafe.Add(ref b, p * ldb);
            var x = new Vector<float>(Unsafe.Add(ref a, p));
            c0 = MulAdd(x, Vector.LoadUnsafe(ref bRow), c0);
            c1 = MulAdd(x, Vector.LoadUnsafe(ref bRow, (nuint)width), c1);
        }
        (c0 + d0).StoreUnsafe(ref c);
        (c1 + d1).StoreUnsafe(ref c, (nuint)width);
    }

    private static void Block1x1(ref float a, ref float b, int ldb, ref float c, int k, Vector<float> init)
    {
        var sum = init;
        for (int p = 0; p < k; p++)
            sum = MulAdd(new Vector<float>(Unsafe.Add(ref a, p)), Vector.LoadUnsafe(ref Unsafe.Add(ref b, p * ldb)), sum);
        sum.StoreUnsafe(ref c);
    }
}

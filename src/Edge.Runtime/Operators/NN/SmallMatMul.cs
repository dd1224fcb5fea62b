using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// C = A·B for small run-time operands (attention heads of small models), unpacked: packing B per
/// call would cost more than the product. Rows go four at a time against 16-column strips of B held
/// in accumulators, so each B vector loaded feeds four FMAs and C is written once.
/// </summary>
internal static class SmallMatMul
{
    /// <summary>C[m×n] = alpha·(A[m×k]·B[k×n]), all row-major and contiguous.</summary>
    public static unsafe void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, float alpha = 1f)
    {
        if ((long)m * k > a.Length || (long)k * n > b.Length || (long)m * n > c.Length)
            throw new ArgumentException($"operands smaller than {m}×{k}·{k}×{n}");
        if (!Vector256.IsHardwareAccelerated)
        {
            Portable(a, b, c, m, k, n, alpha);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            int j = 0;
            for (; j + 16 <= n; j += 16)
                Strip16(pa, pb + j, pc + j, m, k, n, alpha);
            for (; j + 8 <= n; j += 8)
                Strip8(pa, pb + j, pc + j, m, k, n, alpha);
            for (; j < n; j++)
                Column(pa, pb + j, pc + j, m, k, n, alpha);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Strip16(float* a, float* b, float* c, int m, int k, int n, float alpha)
    {
        var s = Vector256.Create(alpha);
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
            float* bk = b;
            for (int kk = 0; kk < k; kk++, bk += n)
            {
                var b0 = Vector256.Load(bk);
                var b1 = Vector256.Load(bk + 8);
                var x = Vector256.Create(a0[kk]);
                c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
                c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
                x = Vector256.Create(a1[kk]);
                c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
                x = Vector256.Create(a2[kk]);
                c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
                x = Vector256.Create(a3[kk]);
                c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            }
            float* ci = c + i * n;
            (c00 * s).Store(ci); (c01 * s).Store(ci + 8); ci += n;
            (c10 * s).Store(ci); (c11 * s).Store(ci + 8); ci += n;
            (c20 * s).Store(ci); (c21 * s).Store(ci + 8); ci += n;
            (c30 * s).Store(ci); (c31 * s).Store(ci + 8);
        }
        for (; i < m; i++)
        {
            float* ai = a + i * k;
            Vector256<float> c0 = default, c1 = default;
            float* bk = b;
            for (int kk = 0; kk < k; kk++, bk += n)
            {
                var x = Vector256.Create(ai[kk]);
                c0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bk), c0);
                c1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bk + 8), c1);
            }
            (c0 * s).Store(c + i * n);
            (c1 * s).Store(c + i * n + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Strip8(float* a, float* b, float* c, int m, int k, int n, float alpha)
    {
        var s = Vector256.Create(alpha);
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
            float* bk = b;
            for (int kk = 0; kk < k; kk++, bk += n)
            {
                var b0 = Vector256.Load(bk);
                c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a0[kk]), b0, c0);
                c1 = Vector256.FusedMultiplyAdd(Vector256.Create(a1[kk]), b0, c1);
                c2 = Vector256.FusedMultiplyAdd(Vector256.Create(a2[kk]), b0, c2);
                c3 = Vector256.FusedMultiplyAdd(Vector256.Create(a3[kk]), b0, c3);
            }
            float* ci = c + i * n;
            (c0 * s).Store(ci);
            (c1 * s).Store(ci + n);
            (c2 * s).Store(ci + 2 * n);
            (c3 * s).Store(ci + 3 * n);
        }
        for (; i < m; i++)
        {
            float* ai = a + i * k;
            Vector256<float> c0 = default;
            float* bk = b;
            for (int kk = 0; kk < k; kk++, bk += n)
                c0 = Vector256.FusedMultiplyAdd(Vector256.Create(ai[kk]), Vector256.Load(bk), c0);
            (c0 * s).Store(c + i * n);
        }
    }

    /// <summary>One leftover column of C: a dot product per row against a strided column of B.</summary>
    private static unsafe void Column(float* a, float* b, float* c, int m, int k, int n, float alpha)
    {
        for (int i = 0; i < m; i++)
        {
            float* ai = a + i * k;
            float sum = 0f;
            for (int kk = 0; kk < k; kk++)
                sum = MathF.FusedMultiplyAdd(ai[kk], b[kk * n], sum);
            c[i * n] = sum * alpha;
        }
    }

    /// <summary>Row by row with <see cref="Vector{T}"/>, for hardware without 256-bit vectors.</summary>
    private static void Portable(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, float alpha)
    {
        int width = Vector<float>.Count;
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            row.Clear();
            for (int kk = 0; kk < k; kk++)
            {
                float factor = a[i * k + kk];
                var source = b.Slice(kk * n, n);
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                    for (; j <= n - width; j += width)
                        (new Vector<float>(row.Slice(j)) + new Vector<float>(source.Slice(j)) * factor).CopyTo(row.Slice(j));
                for (; j < n; j++)
                    row[j] += factor * source[j];
            }
            if (alpha != 1f)
                for (int j = 0; j < n; j++)
                    row[j] *= alpha;
        }
    }
}

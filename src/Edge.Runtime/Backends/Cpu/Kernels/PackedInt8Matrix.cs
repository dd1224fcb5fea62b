namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// The B operand (K×N, int8 or uint8) of an int8 GEMM, packed once at kernel prepare in the layout
/// its <see cref="Variant"/> streams fastest, with the column sums that zero-point corrections need.
/// </summary>
public sealed class PackedInt8Matrix
{
    internal PackedInt8Matrix(int k, int n, bool isSigned, Int8GemmVariant variant, byte[] data, int[] columnSums)
    {
        K = k;
        N = n;
        IsSigned = isSigned;
        Variant = variant;
        Data = data;
        ColumnSums = columnSums;
    }

    public int K { get; }

    public int N { get; }

    /// <summary>Whether B's elements are int8 (else uint8).</summary>
    public bool IsSigned { get; }

    public Int8GemmVariant Variant { get; }

    /// <summary>Packed elements; the layout belongs to <see cref="Variant"/>.</summary>
    internal byte[] Data { get; }

    /// <summary>Σ_k B[k,n] of the original (unpacked, signedness-respecting) values.</summary>
    internal int[] ColumnSums { get; }

    /// <summary>Bytes held, for memory telemetry.</summary>
    public long PackedBytes => Data.LongLength + ColumnSums.LongLength * sizeof(int);

    /// <summary>
    /// Packs B given row-major as K×N (or N×K when <paramref name="transposed"/>), for
    /// <paramref name="variant"/> (default: the best this CPU supports).
    /// </summary>
    public static PackedInt8Matrix Pack(ReadOnlySpan<byte> b, bool isSigned, int k, int n, bool transposed = false, Int8GemmVariant? variant = null)
    {
        if (b.Length < (long)k * n)
            throw new ArgumentException($"B has {b.Length} elements, {k}x{n} needs {(long)k * n}");
        var chosen = variant ?? Int8Gemm.Best;
        if (!Int8Gemm.IsSupported(chosen))
            throw new NotSupportedException($"int8 GEMM variant {chosen} is not supported on this CPU");
        // Canonical row-major K×N first; variants re-layout from it.
        var rowMajor = new byte[(long)k * n];
        if (transposed)
        {
            for (int row = 0; row < n; row++)
                for (int col = 0; col < k; col++)
                    rowMajor[(long)col * n + row] = b[row * k + col];
        }
        else
        {
            b[..(k * n)].CopyTo(rowMajor);
        }
        var sums = new int[n];
        for (int kk = 0; kk < k; kk++)
            for (int col = 0; col < n; col++)
                sums[col] += isSigned ? (sbyte)rowMajor[(long)kk * n + col] : rowMajor[(long)kk * n + col];
        return Int8Gemm.PackFor(chosen, rowMajor, k, n, isSigned, sums);
    }
}

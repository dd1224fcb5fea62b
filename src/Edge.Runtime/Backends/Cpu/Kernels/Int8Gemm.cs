using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// Exact int8 matrix multiply with zero points: C[m,n] = Σ_k (A[m,k] − aZero) · (B[k,n] − bZero)
/// in int32. A is uint8 or int8 (row-major M×K, row stride <c>lda</c>), B is pre-packed. Every
/// variant is bit-exact to the scalar reference; dispatch picks the best the CPU supports.
/// </summary>
public static class Int8Gemm
{
    /// <summary>The fastest variant this CPU supports (respecting <see cref="CpuFeatures.Cap"/>).</summary>
    public static Int8GemmVariant Best => Supported[^1];

    /// <summary>Every variant this CPU supports, reference first.</summary>
    public static IReadOnlyList<Int8GemmVariant> Supported { get; } = Enum.GetValues<Int8GemmVariant>().Where(IsSupported).ToArray();

    public static bool IsSupported(Int8GemmVariant variant) => variant switch
    {
        Int8GemmVariant.Reference => true,
        _ => false,
    };

    /// <param name="a">A's bytes (int8 reinterpreted when <paramref name="aSigned"/>).</param>
    /// <param name="aZero">A's zero point: one value, or one per row (MatMulInteger allows per-row).</param>
    /// <param name="bZero">B's zero point: one value, or one per column.</param>
    /// <param name="c">Output, row-major M×N with row stride <paramref name="ldc"/>; overwritten.</param>
    public static void Multiply(ReadOnlySpan<byte> a, bool aSigned, int m, int lda, ReadOnlySpan<int> aZero,
        PackedInt8Matrix b, ReadOnlySpan<int> bZero, Span<int> c, int ldc, ParallelRunner parallel)
    {
        if (aZero.Length != 1 && aZero.Length != m)
            throw new ArgumentException($"A zero point has {aZero.Length} values; expected 1 or {m}");
        if (bZero.Length != 1 && bZero.Length != b.N)
            throw new ArgumentException($"B zero point has {bZero.Length} values; expected 1 or {b.N}");
        switch (b.Variant)
        {
            default:
                Int8GemmReference.Multiply(a, aSigned, m, lda, aZero, b, bZero, c, ldc);
                break;
        }
    }

    internal static PackedInt8Matrix PackFor(Int8GemmVariant variant, byte[] rowMajor, int k, int n, bool isSigned, int[] columnSums) => variant switch
    {
        _ => new PackedInt8Matrix(k, n, isSigned, Int8GemmVariant.Reference, rowMajor, columnSums),
    };
}

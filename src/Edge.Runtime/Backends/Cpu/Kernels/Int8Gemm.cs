using System.Runtime.Intrinsics.X86;
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

    /// <summary>
    /// Whether this CPU runs <paramref name="variant"/>. EDGE_CPU_MAX caps it: <c>scalar</c> leaves the reference,
    /// <c>avx2</c> stops below AVX-512, <c>avx512</c>, <c>avxvnni</c> or <c>avx512vnni</c> allow AVX2 plus that one wide variant;
    /// EDGE_NO_JIT=1 turns off Avx512Vnni, the one variant whose code is generated at run time.
    /// </summary>
    public static bool IsSupported(Int8GemmVariant variant) => variant switch
    {
        Int8GemmVariant.Reference => true,
        Int8GemmVariant.Avx2 => CpuFeatures.Avx2,
        Int8GemmVariant.Avx512 => CpuFeatures.Cap is null or "" or "avx512" && Avx512BW.IsSupported,
        Int8GemmVariant.AvxVnni => CpuFeatures.AvxVnni && CpuFeatures.Avx2,
        Int8GemmVariant.Avx512Vnni => CpuFeatures.Cap is null or "" or "avx512vnni" && Int8GemmAvx512Vnni.IsAvailable,
        Int8GemmVariant.AdvSimd => CpuFeatures.AdvSimd,
        Int8GemmVariant.Dp => CpuFeatures.Dp && CpuFeatures.AdvSimd,
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
        if (m > 0)
        {
            int k = b.K, n = b.N;
            if (lda < k || a.Length < (long)(m - 1) * lda + k)
                throw new ArgumentException($"A has {a.Length} elements; {m}x{k} with row stride {lda} needs {(long)(m - 1) * lda + k}");
            if (ldc < n || c.Length < (long)(m - 1) * ldc + n)
                throw new ArgumentException($"C has {c.Length} elements; {m}x{n} with row stride {ldc} needs {(long)(m - 1) * ldc + n}");
        }
        switch (b.Variant)
        {
            case Int8GemmVariant.Avx2:
                Int8GemmDriver.Multiply<Int8GemmAvx2>(a, aSigned, m, lda, aZero, b, bZero, c, ldc, parallel);
                break;
            case Int8GemmVariant.Avx512:
                Int8GemmDriver.Multiply<Int8GemmAvx512>(a, aSigned, m, lda, aZero, b, bZero, c, ldc, parallel);
                break;
            case Int8GemmVariant.AvxVnni:
                Int8GemmDriver.Multiply<Int8GemmAvxVnni>(a, aSigned, m, lda, aZero, b, bZero, c, ldc, parallel);
                break;
            case Int8GemmVariant.Avx512Vnni:
                Int8GemmDriver.Multiply<Int8GemmAvx512Vnni>(a, aSigned, m, lda, aZero, b, bZero, c, ldc, parallel);
                break;
            case Int8GemmVariant.AdvSimd:
                Int8GemmDriver.Multiply<Int8GemmAdvSimd>(a, aSigned, m, lda, aZero, b, bZero, c, ldc, parallel);
                break;
            case Int8GemmVariant.Dp:
                Int8GemmDriver.Multiply<Int8GemmDp>(a, aSigned, m, lda, aZero, b, bZero, c, ldc, parallel);
                break;
            default:
                Int8GemmReference.Multiply(a, aSigned, m, lda, aZero, b, bZero, c, ldc);
                break;
        }
    }

    internal static PackedInt8Matrix PackFor(Int8GemmVariant variant, byte[] rowMajor, int k, int n, bool isSigned, int[] columnSums) => variant switch
    {
        Int8GemmVariant.Avx2 => Int8GemmPacking.Pack<Int8GemmAvx2>(variant, rowMajor, k, n, isSigned, columnSums),
        Int8GemmVariant.Avx512 => Int8GemmPacking.Pack<Int8GemmAvx512>(variant, rowMajor, k, n, isSigned, columnSums),
        Int8GemmVariant.AvxVnni => Int8GemmPacking.Pack<Int8GemmAvxVnni>(variant, rowMajor, k, n, isSigned, columnSums),
        Int8GemmVariant.Avx512Vnni => Int8GemmPacking.Pack<Int8GemmAvx512Vnni>(variant, rowMajor, k, n, isSigned, columnSums),
        Int8GemmVariant.AdvSimd => Int8GemmPacking.Pack<Int8GemmAdvSimd>(variant, rowMajor, k, n, isSigned, columnSums),
        Int8GemmVariant.Dp => Int8GemmPacking.Pack<Int8GemmDp>(variant, rowMajor, k, n, isSigned, columnSums),
        _ => new PackedInt8Matrix(k, n, isSigned, Int8GemmVariant.Reference, rowMajor, columnSums),
    };
}

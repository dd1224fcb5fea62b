namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>Implementations of the int8 GEMM; every one is bit-exact to <see cref="Reference"/>.</summary>
public enum Int8GemmVariant
{
    /// <summary>Portable scalar code: the oracle for the others.</summary>
    Reference,
    /// <summary>256-bit AVX2: operands widened to int16, vpmaddwd (exact; vpmaddubsw on raw u8×s8 saturates).</summary>
    Avx2,
    /// <summary>512-bit AVX-512BW, int16 vpmaddwd likewise.</summary>
    Avx512,
    /// <summary>256-bit AVX-VNNI vpdpbusd.</summary>
    AvxVnni,
    /// <summary>512-bit AVX-512 VNNI vpdpbusd through run-time generated code; preferred over AvxVnni where both exist.</summary>
    Avx512Vnni,
    /// <summary>ARM64 widening AdvSimd multiply-accumulate.</summary>
    AdvSimd,
    /// <summary>ARM64 dot-product extension (sdot/udot).</summary>
    Dp,
}

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>Implementations of the float GEMM; every one matches <see cref="Reference"/> within rounding.</summary>
public enum FloatGemmVariant
{
    /// <summary>Portable scalar code: the oracle for the others.</summary>
    Reference,
    /// <summary>128-bit FMA micro-kernel (AdvSimd on ARM64; SSE+FMA on x86, where it serves as a test of the ARM code path).</summary>
    Vector128,
    /// <summary>256-bit AVX2+FMA micro-kernel.</summary>
    Avx2,
    /// <summary>512-bit AVX-512F micro-kernel.</summary>
    Avx512,
}

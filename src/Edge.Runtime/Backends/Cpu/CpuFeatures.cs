using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Edge.Runtime.Backends.Cpu;

/// <summary>The instruction sets this process may use, as the kernels' runtime dispatch sees them.</summary>
public static class CpuFeatures
{
    /// <summary>Set EDGE_CPU_MAX=scalar|avx2|avx512|avxvnni|avx512vnni|advsimd|dp to cap dispatch (tests and emulation); unset: no cap.</summary>
    public static string? Cap { get; } = Environment.GetEnvironmentVariable("EDGE_CPU_MAX")?.ToLowerInvariant();

    public static bool Avx2 => Cap != "scalar" && System.Runtime.Intrinsics.X86.Avx2.IsSupported;

    public static bool AvxVnni => Cap is null or "avxvnni" && System.Runtime.Intrinsics.X86.AvxVnni.IsSupported;

    public static bool Avx512 => Cap is null or "" or "avx512" && System.Runtime.Intrinsics.X86.Avx512BW.IsSupported;

    public static bool AdvSimd => Cap != "scalar" && System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported;

    public static bool Dp => Cap is null or "dp" && System.Runtime.Intrinsics.Arm.Dp.IsSupported;

    public static string Describe()
    {
        var sets = new List<string>();
        if (AvxVnni) sets.Add("AvxVnni");
        if (Kernels.Int8Gemm.IsSupported(Kernels.Int8GemmVariant.Avx512Vnni)) sets.Add("AVX512-VNNI (generated code)");
        if (Avx512) sets.Add("AVX-512");
        if (Avx2) sets.Add("AVX2");
        if (Dp) sets.Add("Dp");
        if (AdvSimd) sets.Add("AdvSimd");
        if (sets.Count == 0) sets.Add("scalar");
        return string.Join("+", sets) + $", {Environment.ProcessorCount} logical cores";
    }
}

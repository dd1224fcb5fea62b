using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Operators.Quantization;

namespace Edge.Runtime.Backends.Cpu;

/// <summary>
/// What <c>edge selftest</c> runs on a device: every optimised kernel variant this CPU supports,
/// against its scalar reference, on random cases. Integer kernels must match bit for bit.
/// </summary>
public static class CpuSelfTest
{
    public static IEnumerable<KernelSelfTestResult> Run(int seed, int cases)
    {
        foreach (var (variant, count, mismatches) in Int8GemmSelfTest.Run(seed, cases))
            yield return new KernelSelfTestResult("int8 GEMM", variant.ToString(), count, mismatches);
        yield return RequantizerSelfTest.Run(seed, cases);
    }
}

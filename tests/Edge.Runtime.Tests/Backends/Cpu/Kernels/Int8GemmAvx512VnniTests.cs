using System.Runtime.Intrinsics.X86;
using Edge.Runtime.Backends.Cpu;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Operators;
using Xunit;

namespace Edge.Runtime.Tests.Backends.Cpu.Kernels;

public class Int8GemmAvx512VnniTests
{
    private static bool CpuHasAvx512Vnni =>
        OperatingSystem.IsLinux() && X86Base.IsSupported && Avx512BW.IsSupported && Avx512BW.VL.IsSupported
        && (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0;

    private static bool JitAllowed =>
        CpuFeatures.Cap is null or "" or "avx512vnni" && Environment.GetEnvironmentVariable("EDGE_NO_JIT") != "1";

    [Fact]
    public void GeneratedVariantIsPreferredWhereTheCpuHasVnni()
    {
        Assert.Equal(CpuHasAvx512Vnni && JitAllowed, Int8Gemm.IsSupported(Int8GemmVariant.Avx512Vnni));
        if (Int8Gemm.IsSupported(Int8GemmVariant.Avx512Vnni))
            Assert.Equal(Int8GemmVariant.Avx512Vnni, Int8Gemm.Best);
    }

    [Fact]
    public void EveryRowCountAndKTailMatchesTheReference()
    {
        if (!Int8Gemm.IsSupported(Int8GemmVariant.Avx512Vnni))
            return;
        // Row blocks of 6 with 1..6-row kernels, k unrolled by 4 (one row) or 2 (two rows): cover every remainder, K = 0 included.
        var random = new Random(17);
        for (int m = 1; m <= 13; m++)
        {
            for (int k = 0; k <= 40; k += m % 2 == 0 ? 3 : 1)
            {
                var problem = Int8GemmCase.Random(random, m, m % 3 == 0 ? 32 : 45, k, random.Next(2) == 0, random.Next(2) == 0);
                string? mismatch = problem.Check(Int8GemmVariant.Avx512Vnni, ParallelRunner.Sequential);
                Assert.True(mismatch is null, mismatch);
            }
        }
    }

    [Fact]
    public void VeryLongKTakesTheOrdinaryCallAndMatchesTheReference()
    {
        if (!Int8Gemm.IsSupported(Int8GemmVariant.Avx512Vnni))
            return;
        // Past 4096 k quads a kernel call keeps the GC transition; the results must not depend on which call it takes.
        var problem = Int8GemmCase.Random(new Random(23), 7, 33, 4 * 4096 + 9, true, false);
        string? mismatch = problem.Check(Int8GemmVariant.Avx512Vnni, ParallelRunner.Sequential);
        Assert.True(mismatch is null, mismatch);
    }
}

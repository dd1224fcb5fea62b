using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// Checks every optimised int8 GEMM variant this CPU supports against the scalar reference on random
/// problems (odd sizes, all signedness combinations, full-range values, per-tensor/row/column zero points,
/// padded strides), for <c>edge selftest</c>.
/// </summary>
public static class Int8GemmSelfTest
{
    /// <summary>Runs <paramref name="cases"/> random problems per variant; a case mismatches when any element differs.</summary>
    public static IEnumerable<(Int8GemmVariant Variant, int Cases, int Mismatches)> Run(int seed, int cases)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cases);
        foreach (var variant in Int8Gemm.Supported)
        {
            if (variant == Int8GemmVariant.Reference)
                continue;
            var random = new Random(seed);
            int mismatches = 0;
            for (int i = 0; i < cases; i++)
            {
                if (Int8GemmCase.Random(random).Check(variant, ParallelRunner.Sequential) is not null)
                    mismatches++;
            }
            yield return (variant, cases, mismatches);
        }
    }
}

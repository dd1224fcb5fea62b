using System.Diagnostics;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Operators;

namespace Edge.Agent.Telemetry;

/// <summary>
/// Peak int8 and fp32 throughput of this CPU, measured at start with the runtime's own GEMM kernels
/// (the ones inference uses, best variant, one thread like a session) on an L2-resident shape, best of
/// repeated runs within a small time budget.
/// </summary>
public static class ComputeProbe
{
    private const int M = 64, K = 256, N = 256;

    /// <summary>Measures both precisions within about <paramref name="budget"/> (default 30 ms: hundreds of runs of each).</summary>
    public static (double Int8Gops, double Fp32Gops) Measure(TimeSpan? budget = null)
    {
        var half = (budget ?? TimeSpan.FromMilliseconds(30)) / 2;
        return (MeasureInt8(half), MeasureFp32(half));
    }

    private static double MeasureInt8(TimeSpan budget)
    {
        var a = new byte[M * K];
        var b = new byte[K * N];
        Random.Shared.NextBytes(a);
        Random.Shared.NextBytes(b);
        var packed = PackedInt8Matrix.Pack(b, isSigned: true, K, N);
        var c = new int[M * N];
        int[] zero = [0];
        return Best(budget, () => Int8Gemm.Multiply(a, aSigned: false, M, K, zero, packed, zero, c, N, ParallelRunner.Sequential));
    }

    private static double MeasureFp32(TimeSpan budget)
    {
        var a = new float[M * K];
        var b = new float[K * N];
        for (int i = 0; i < a.Length; i++)
            a[i] = (i % 17) * 0.25f;
        for (int i = 0; i < b.Length; i++)
            b[i] = (i % 13) * 0.5f;
        var packed = PackedFloatMatrix.Pack(b, K, N);
        var c = new float[M * N];
        return Best(budget, () => FloatGemm.Multiply(a, M, packed, c));
    }

    /// <summary>GOPS (2 ops per multiply-add) of the fastest of at least three runs.</summary>
    private static double Best(TimeSpan budget, Action gemm)
    {
        const double ops = 2.0 * M * K * N;
        var total = Stopwatch.StartNew();
        double fastest = double.MaxValue;
        for (int run = 0; run < 3 || total.Elapsed < budget; run++)
        {
            long start = Stopwatch.GetTimestamp();
            gemm();
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return ops / fastest / 1e9;
    }
}

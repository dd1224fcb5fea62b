using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Edge.Benchmarks;

/// <summary>
/// STREAM-like read bandwidth: sums a 512 MB buffer (far beyond any cache) with Vector256 loads.
/// Each pass is timed in 16 MiB chunks (the size of one GEMV weight matrix) and the median chunk
/// rate over all passes is reported: on a shared, oversubscribed machine a whole 512 MB pass is
/// almost always preempted, while a few-millisecond chunk usually is not — the same reason the
/// GEMV is reported by its p50. Chunks are cold: the previous touch was 512 MB earlier.
/// </summary>
internal static class ReadBandwidth
{
    public const long BufferBytes = 512L << 20;

    private const int ChunkFloats = (16 << 20) / sizeof(float);

    public static double MeasureGBps(int threads, int passes = 5)
    {
        var buffer = GC.AllocateUninitializedArray<float>((int)(BufferBytes / sizeof(float)));
        // Touch every page first so the timed passes measure reads, not page faults.
        buffer.AsSpan().Fill(1f);
        var rates = new List<double>();
        float sink = 0;
        var partial = new float[threads];
        for (int p = 0; p < passes; p++)
        {
            for (int start = 0; start < buffer.Length; start += ChunkFloats)
            {
                int length = Math.Min(ChunkFloats, buffer.Length - start);
                long t0 = Stopwatch.GetTimestamp();
                if (threads == 1)
                    sink += Sum(buffer, start, length);
                else
                {
                    int part = length / threads;
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
                        t => partial[t] = Sum(buffer, start + t * part, t == threads - 1 ? length - t * part : part));
                    sink += partial.Sum();
                }
                rates.Add(length * (double)sizeof(float) / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9);
            }
        }
        GC.KeepAlive(sink);
        rates.Sort();
        return rates[rates.Count / 2];
    }

    /// <summary>Four independent accumulators hide the add latency so loads are the only limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Sum(float[] buffer, int start, int length)
    {
        ref float data = ref MemoryMarshal.GetArrayDataReference(buffer);
        ref float begin = ref Unsafe.Add(ref data, start);
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        var a2 = Vector256<float>.Zero;
        var a3 = Vector256<float>.Zero;
        int n = Vector256<float>.Count;
        int i = 0;
        for (; i + 4 * n <= length; i += 4 * n)
        {
            a0 += Vector256.LoadUnsafe(ref begin, (nuint)i);
            a1 += Vector256.LoadUnsafe(ref begin, (nuint)(i + n));
            a2 += Vector256.LoadUnsafe(ref begin, (nuint)(i + 2 * n));
            a3 += Vector256.LoadUnsafe(ref begin, (nuint)(i + 3 * n));
        }
        float sum = Vector256.Sum(a0 + a1 + a2 + a3);
        for (; i < length; i++)
            sum += Unsafe.Add(ref begin, i);
        return sum;
    }
}

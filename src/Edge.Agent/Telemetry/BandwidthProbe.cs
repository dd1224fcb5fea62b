using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Edge.Agent.Telemetry;

/// <summary>
/// A short stream-read benchmark for the device's memory bandwidth when the config gives none:
/// 64 MB (beyond typical L3) read a few times. Native memory, so the RSS goes back when done.
/// </summary>
public static class BandwidthProbe
{
    public static unsafe double MeasureGBps(int megabytes = 64, int passes = 4)
    {
        nuint bytes = (nuint)megabytes << 20;
        byte* memory = (byte*)NativeMemory.Alloc(bytes);
        try
        {
            new Span<byte>(memory, (int)bytes).Fill(1);
            var vectors = new ReadOnlySpan<Vector<long>>(memory, (int)(bytes / (nuint)Vector<byte>.Count));
            var sum = Vector<long>.Zero;
            double best = 0;
            for (int pass = 0; pass < passes; pass++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < vectors.Length; i += 4)
                    sum += vectors[i] + vectors[i + 1] + vectors[i + 2] + vectors[i + 3];
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = Math.Max(best, bytes / seconds / 1e9);
            }
            GC.KeepAlive(sum);
            return best;
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }
}

namespace Edge.Agent.Telemetry;

/// <summary>
/// A model's place on the device's roofline: the peak its mix of int8 and fp32 work can reach, the
/// ridge point (peak ops/s ÷ peak bytes/s) and whether its arithmetic intensity lies below it
/// (memory-bound) or not (compute-bound).
/// </summary>
public sealed record Roofline(double PeakGops, double RidgePoint, string Bound)
{
    public const string MemoryBound = "memory";
    public const string ComputeBound = "compute";

    /// <summary>The verdict for <paramref name="figures"/> on <paramref name="peaks"/>; null without ops, bytes or peaks.</summary>
    public static Roofline? For(ModelFigures figures, DevicePeaks peaks)
    {
        if (figures.ArithmeticIntensity is not { } intensity || figures.Operations <= 0 || peaks.BandwidthGBps <= 0 || peaks.Int8Gops <= 0 || peaks.Fp32Gops <= 0)
            return null;
        // Int8 and fp32 work run one after the other, each at its own peak: the mix's peak is their weighted harmonic mean.
        long fp32 = figures.Operations - figures.Int8Operations;
        double peak = figures.Operations / (figures.Int8Operations / peaks.Int8Gops + fp32 / peaks.Fp32Gops);
        double ridge = peak / peaks.BandwidthGBps;
        return new Roofline(peak, ridge, intensity < ridge ? MemoryBound : ComputeBound);
    }
}

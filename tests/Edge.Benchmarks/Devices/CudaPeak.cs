namespace Edge.Benchmarks.Devices;

/// <summary>
/// A CUDA card's peak int8 rate through dp4a on the CUDA cores (not tensor cores, which Edge's kernels do
/// not use) and its peak DRAM bandwidth, from the device attributes ILGPU reports.
/// </summary>
/// <param name="Int8Ops">Operations per second, a multiply-accumulate counting two; null where dp4a's rate is unknown.</param>
/// <param name="BytesPerSecond">Null where the driver reported no memory clock or bus width.</param>
internal sealed record CudaPeak(double? Int8Ops, double? BytesPerSecond)
{
    /// <summary>The estimate for compute capability <paramref name="major"/>.<paramref name="minor"/>; clocks in kHz as CUDA reports them.</summary>
    public static CudaPeak Estimate(int major, int minor, int multiprocessors, long clockKHz, long memoryClockKHz, int busWidthBits)
    {
        int? lanes = Dp4aPerClock(major, minor);
        double? ops = lanes is int l && clockKHz > 0 ? (double)multiprocessors * l * clockKHz * 1e3 * 4 * 2 : null;
        // The reported memory clock is the DDR/HBM base: two transfers per clock, as NVIDIA's deviceQuery counts it.
        double? bytes = memoryClockKHz > 0 && busWidthBits > 0 ? 2.0 * memoryClockKHz * 1e3 * busWidthBits / 8 : null;
        return new CudaPeak(ops, bytes);
    }

    /// <summary>
    /// dp4a instructions per SM per clock: the int32 lanes. sm_61/62 (consumer Pascal) run it on all 128 cores;
    /// Volta onwards on the 64 int32 lanes per SM (also where Ampere/Ada/Hopper have 128 fp32 lanes); sm_60 and older lack dp4a.
    /// </summary>
    public static int? Dp4aPerClock(int major, int minor) => (major, minor) switch
    {
        (6, 1) or (6, 2) => 128,
        (>= 7, _) => 64,
        _ => null,
    };
}

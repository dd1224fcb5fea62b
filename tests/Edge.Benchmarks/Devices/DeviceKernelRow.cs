namespace Edge.Benchmarks.Devices;

/// <summary>One backend × kernel measurement of the device-backend section; an error instead of numbers when it failed.</summary>
/// <param name="P50Ms">Whole run: the session's Run, boundary copies included.</param>
/// <param name="KernelMs">Device kernel time per run from the partition's profile (each launch waited for); null on the CPU backend.</param>
/// <param name="BytesCopied">Host ↔ device bytes per run at the partition boundary.</param>
/// <param name="Mismatches">Output bytes that differ from the CPU backend's.</param>
/// <param name="PeakOpsShare">CUDA only: share of the card's dp4a int8 peak (on kernel time).</param>
/// <param name="PeakBandwidthShare">CUDA only: share of the card's DRAM bandwidth (on kernel time).</param>
internal sealed record DeviceKernelRow(
    string Backend, string Kernel, int Runs, double P50Ms, double? KernelMs, long Operations, long TouchedBytes, long BytesCopied,
    int Partitions, long Mismatches, double? PeakOpsShare, double? PeakBandwidthShare, string? Error)
{
    public double? Gops => P50Ms > 0 ? Operations / (P50Ms * 1e6) : null;

    public double? GBps => P50Ms > 0 ? TouchedBytes / (P50Ms * 1e6) : null;

    public double? KernelGops => KernelMs is double ms && ms > 0 ? Operations / (ms * 1e6) : null;

    public double? KernelGBps => KernelMs is double ms && ms > 0 ? TouchedBytes / (ms * 1e6) : null;

    public static DeviceKernelRow Failed(string backend, string kernel, string error) =>
        new(backend, kernel, 0, 0, null, 0, 0, 0, 0, 0, null, null, error);
}

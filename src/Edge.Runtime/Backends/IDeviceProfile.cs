namespace Edge.Runtime.Backends;

/// <summary>
/// Device-side timings a partition kernel exposes to the profiler and telemetry: per device kernel
/// the accumulated time and launches, and the bytes copied across the host–device boundary.
/// </summary>
public interface IDeviceProfile
{
    /// <summary>When true, every device kernel is timed (waiting for it to finish); off by default as it serializes the device.</summary>
    bool TimeKernels { get; set; }

    /// <summary>Accumulated per-kernel timings in launch order (empty until <see cref="TimeKernels"/> is on).</summary>
    IReadOnlyList<DeviceKernelTiming> Kernels { get; }

    /// <summary>Device memory held by the partition: weights, values and scratch.</summary>
    long DeviceBytes { get; }

    /// <summary>Bytes copied host → device since the last reset (weights uploaded at build excluded).</summary>
    long BytesUploaded { get; }

    /// <summary>Bytes copied device → host since the last reset.</summary>
    long BytesDownloaded { get; }

    void Reset();
}

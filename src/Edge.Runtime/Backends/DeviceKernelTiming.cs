namespace Edge.Runtime.Backends;

/// <summary>One device kernel's accumulated run time and launch count, named "node: kernel".</summary>
public readonly record struct DeviceKernelTiming(string Name, TimeSpan Time, long Launches);

namespace Edge.Runtime.Ilgpu;

/// <summary>One device ILGPU found: kind, name, memory, compute units and the capabilities the kernels depend on.</summary>
/// <param name="Kind">"cuda", "opencl" or "cpu".</param>
/// <param name="Version">CUDA architecture and PTX ISA, or OpenCL C version; empty for the CPU.</param>
/// <param name="GenericAddressSpace">OpenCL only: whether ILGPU's OpenCL kernels can run (null elsewhere).</param>
public sealed record IlgpuDeviceInfo(string Kind, string Name, long MemoryBytes, int ComputeUnits, int MaxThreadsPerGroup, string Version, bool? GenericAddressSpace);

using Edge.Runtime.Ilgpu.Cpu;

namespace Edge.Runtime.Ilgpu.Tests;

/// <summary>One ILGPU CPU accelerator shared by the tests that need it (context creation and kernel compiles are not free).</summary>
public sealed class IlgpuCpuFixture : IDisposable
{
    public IlgpuCpuBackend Backend { get; } = IlgpuCpuBackend.Create();

    public void Dispose() => Backend.Dispose();
}

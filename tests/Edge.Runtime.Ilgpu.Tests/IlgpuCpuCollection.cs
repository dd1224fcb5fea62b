namespace Edge.Runtime.Ilgpu.Tests;

/// <summary>The tests sharing <see cref="IlgpuCpuFixture"/>; they run one after another, as the emulator is CPU-hungry.</summary>
[CollectionDefinition(Name)]
public sealed class IlgpuCpuCollection : ICollectionFixture<IlgpuCpuFixture>
{
    public const string Name = "ILGPU CPU accelerator";
}

namespace Edge.Runtime.Ilgpu.Tests.Cpu;

/// <summary>The int8 fixtures on the ILGPU kernels run by the CPU accelerator (see <see cref="FixtureParity"/>).</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuFixtureTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData("ptq_per_tensor", true, 1)]
    [InlineData("ptq_per_channel", true, 1)]
    [InlineData("qat_student", true, 1)]
    [InlineData("dynamic_mlp", false, 1)]
    [InlineData("dynamic_transformer", false, 12)]
    public void Int8FixtureOnIlgpuKernelsMatchesCpuBackendAndOnnxRuntime(string name, bool qdq, int maxDevicePartitions) =>
        FixtureParity.AssertFixtureMatches(fixture.Backend, name, qdq, maxDevicePartitions);
}

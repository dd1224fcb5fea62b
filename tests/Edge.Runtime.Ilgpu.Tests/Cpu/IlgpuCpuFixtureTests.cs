namespace Edge.Runtime.Ilgpu.Tests.Cpu;

/// <summary>The int8 fixtures on the ILGPU kernels run by the CPU accelerator (see <see cref="FixtureParity"/>).</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuFixtureTests(IlgpuCpuFixture fixture)
{
    [Theory]
    [InlineData("ptq_per_tensor", true, true)]
    [InlineData("ptq_per_channel", true, true)]
    [InlineData("qat_student", true, true)]
    [InlineData("dynamic_mlp", false, true)]
    [InlineData("dynamic_transformer", false, false)]
    public void Int8FixtureOnIlgpuKernelsMatchesCpuBackendAndOnnxRuntime(string name, bool qdq, bool bitExact) =>
        FixtureParity.AssertFixtureMatches(fixture.Backend, name, qdq, maxDevicePartitions: 1, bitExact);
}

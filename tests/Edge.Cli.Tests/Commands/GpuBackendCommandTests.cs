namespace Edge.Cli.Tests.Commands;

/// <summary>--backend with the ILGPU backends, and <c>edge devices</c>, on a machine without a GPU.</summary>
public sealed class GpuBackendCommandTests
{
    private static string Fixture(string name) => Path.Combine(Runtime.Tests.RepositoryPaths.Fixtures, name);

    [Fact]
    public void TestModelOnIlgpuCpuRunsTheKernelsAndPasses()
    {
        var result = EdgeProcess.Run("test-model", Fixture("dynamic_mlp"), "--backend", "ilgpu-cpu");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("test_data_set_0: ok", result.Stdout);
        Assert.Contains("ilgpu-cpu emulates the GPU kernels", result.Stderr);
    }

    [Fact]
    public void AbsentGpuWarnsWhyAndRunsOnCpu()
    {
        // CI machines have no NVIDIA GPU (PoCL's chroot included), so CUDA is the absent device everywhere.
        var result = EdgeProcess.Run("test-model", Fixture("ptq_per_tensor"), "--backend", "cuda");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches("warning: backend 'cuda' is not available: .+; running on cpu", result.Stderr);
    }

    [Fact]
    public void DevicesListsTheCpuAcceleratorAndSaysWhatGpuBackendsWouldDo()
    {
        var result = EdgeProcess.Run("devices");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("CPUAccelerator (emulator)", result.Stdout);
        Assert.Matches("--backend cuda: (runs on .+|no usable cuda device — .*edge falls back to the cpu backend)", result.Stdout);
        Assert.Matches("--backend opencl: (runs on .+|no usable opencl device — .*edge falls back to the cpu backend)", result.Stdout);
    }
}

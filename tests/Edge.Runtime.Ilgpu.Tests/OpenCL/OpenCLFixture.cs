using Edge.Runtime.Ilgpu.OpenCL;

namespace Edge.Runtime.Ilgpu.Tests.OpenCL;

/// <summary>The OpenCL backend, created once when the OpenCL tests are required (null with the reason otherwise).</summary>
public sealed class OpenCLFixture : IDisposable
{
    public OpenCLFixture()
    {
        if (OpenCLRequirement.IsRequired)
            Backend = OpenCLBackend.TryCreate(out Reason);
        else
            Reason = OpenCLRequirement.SkipReason;
    }

    public OpenCLBackend? Backend { get; }

    public readonly string Reason;

    /// <summary>The backend, failing the test with ILGPU's reason when there is no real OpenCL device.</summary>
    public OpenCLBackend Require() => Backend ?? throw new Xunit.Sdk.XunitException($"{OpenCLRequirement.Variable}=1 but no OpenCL backend: {Reason}");

    public void Dispose() => Backend?.Dispose();
}

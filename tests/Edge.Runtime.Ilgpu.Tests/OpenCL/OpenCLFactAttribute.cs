namespace Edge.Runtime.Ilgpu.Tests.OpenCL;

/// <summary>A test that needs a real OpenCL device (PoCL in CI's chroot): skipped unless EDGE_OPENCL_REQUIRED=1, and then it must not be skipped.</summary>
public sealed class OpenCLFactAttribute : FactAttribute
{
    public OpenCLFactAttribute()
    {
        if (!OpenCLRequirement.IsRequired)
            Skip = OpenCLRequirement.SkipReason;
    }
}

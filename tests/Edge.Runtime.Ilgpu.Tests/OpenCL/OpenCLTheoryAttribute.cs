namespace Edge.Runtime.Ilgpu.Tests.OpenCL;

/// <summary>The theory form of <see cref="OpenCLFactAttribute"/>.</summary>
public sealed class OpenCLTheoryAttribute : TheoryAttribute
{
    public OpenCLTheoryAttribute()
    {
        if (!OpenCLRequirement.IsRequired)
            Skip = OpenCLRequirement.SkipReason;
    }
}

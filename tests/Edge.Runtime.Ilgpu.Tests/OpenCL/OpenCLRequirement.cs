namespace Edge.Runtime.Ilgpu.Tests.OpenCL;

/// <summary>EDGE_OPENCL_REQUIRED=1 (set where PoCL or a GPU is installed) turns the OpenCL tests on and makes a missing device a failure.</summary>
internal static class OpenCLRequirement
{
    public const string Variable = "EDGE_OPENCL_REQUIRED";

    public const string SkipReason = "needs a real OpenCL device: set EDGE_OPENCL_REQUIRED=1 where one is installed (tests/opencl's PoCL chroot)";

    public static bool IsRequired => Environment.GetEnvironmentVariable(Variable) == "1";
}

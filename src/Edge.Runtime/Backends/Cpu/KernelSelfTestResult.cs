namespace Edge.Runtime.Backends.Cpu;

/// <summary>One optimised kernel variant checked against its reference: how many random cases ran and how many differed.</summary>
public sealed record KernelSelfTestResult(string Kernel, string Variant, int Cases, int Mismatches)
{
    public bool Passed => Mismatches == 0;
}

namespace Edge.Cli.Tests.Commands;

public sealed class SelfTestCommandTests
{
    [Fact]
    public void SelftestChecksEverySupportedVariantAndPasses()
    {
        var result = EdgeProcess.Run("selftest", "--cases", "20");
        Assert.Equal(0, result.ExitCode);
        foreach (var variant in Edge.Runtime.Backends.Cpu.Kernels.Int8Gemm.Supported.Where(v => v != Edge.Runtime.Backends.Cpu.Kernels.Int8GemmVariant.Reference))
            Assert.Matches($@"int8 GEMM\s+{variant}\s+20 cases\s+ok", result.Stdout);
        Assert.Contains("selftest passed", result.Stdout);
    }
}

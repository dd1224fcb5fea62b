using System.CommandLine;
using Edge.Runtime.Backends.Cpu;

namespace Edge.Cli.Commands;

/// <summary><c>edge selftest</c>: every optimised kernel variant this CPU supports against its scalar reference; exit 1 on any difference.</summary>
public static class SelfTestCommand
{
    public static Command Create()
    {
        var cases = new Option<int>("--cases") { Description = "Random cases per kernel variant.", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "Random seed (vary it to widen coverage).", DefaultValueFactory = _ => 20261125 };
        var command = new Command("selftest", "Check the optimised CPU kernels against their references on this device.") { cases, seed };
        command.SetAction(parse => CommandGuard.Run(() => Execute(parse.GetValue(cases), parse.GetValue(seed))));
        return command;
    }

    private static int Execute(int cases, int seed)
    {
        if (cases < 1)
            throw new CliException("--cases must be at least 1");
        Console.WriteLine($"CPU: {CpuFeatures.Describe()}");
        bool allPassed = true;
        foreach (var result in CpuSelfTest.Run(seed, cases))
        {
            allPassed &= result.Passed;
            Console.WriteLine($"{result.Kernel,-12} {result.Variant,-10} {result.Cases,5} cases  {(result.Passed ? "ok" : $"FAILED: {result.Mismatches} differ")}");
        }
        Console.WriteLine(allPassed ? "selftest passed" : "selftest FAILED");
        return allPassed ? ExitCodes.Success : ExitCodes.Mismatch;
    }
}

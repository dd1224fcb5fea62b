using System.CommandLine;
using Edge.Cli;
using Edge.Cli.Commands;

var root = new RootCommand("Edge: runs quantized and distilled ONNX models on embedded devices.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(TestModelCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(InspectCommand.Create());
root.Subcommands.Add(OpsCommand.Create());
root.Subcommands.Add(DevicesCommand.Create());
root.Subcommands.Add(SelfTestCommand.Create());
root.Subcommands.Add(KeygenCommand.Create());
root.Subcommands.Add(AgentCommand.Create());
root.Subcommands.Add(PushCommand.Create());
root.Subcommands.Add(InferCommand.Create());
root.Subcommands.Add(RollbackCommand.Create());
root.Subcommands.Add(WatchCommand.Create());
root.Subcommands.Add(QuantizeCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"edge: {error.Message}");
    return ExitCodes.Error;
}
// The agent's Generic Host handles SIGTERM itself (drain, offline status): System.CommandLine must not cut it short.
return parsed.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });

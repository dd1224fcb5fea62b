using System.CommandLine;
using Edge.Runtime.Ilgpu;
using Edge.Runtime.Operators;

namespace Edge.Cli.Commands;

/// <summary><c>edge ops [--markdown]</c>: the operator × backend support matrix, generated from the registry.</summary>
public static class OpsCommand
{
    public static Command Create()
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table." };
        var command = new Command("ops", "List supported operators per backend.") { markdown };
        command.SetAction(parse => CommandGuard.Run(() => Execute(parse.GetValue(markdown))));
        return command;
    }

    private static int Execute(bool markdown)
    {
        var ops = OperatorRegistry.Default.All.ToList();
        string[] backends = ["cpu", "cuda/opencl"];
        string[] header = ["operator", "domain", "opsets", "types", .. backends];
        var rows = ops.Select(op => new[]
        {
            op.OpType,
            op.Domain.Length == 0 ? "ai.onnx" : op.Domain,
            op.MinOpset == op.MaxOpset ? $"{op.MinOpset}" : $"{op.MinOpset}-{op.MaxOpset}",
            op.TypeConstraints,
            "yes",
            IlgpuBackend.DeviceSupport(op.Domain, op.OpType) ?? "-",
        }).ToList();
        if (markdown)
        {
            Console.WriteLine("| " + string.Join(" | ", header) + " |");
            Console.WriteLine("|" + string.Concat(header.Select(_ => "---|")));
            foreach (var row in rows)
                Console.WriteLine("| " + string.Join(" | ", row) + " |");
        }
        else
        {
            var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
            Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
            foreach (var row in rows)
                Console.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))));
        }
        Console.WriteLine($"{ops.Count} operators ({ops.Count(o => IlgpuBackend.DeviceSupport(o.Domain, o.OpType) is not null)} with ILGPU device kernels; nodes they do not handle run on the cpu)");
        return ExitCodes.Success;
    }
}

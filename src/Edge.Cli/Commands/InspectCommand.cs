using System.CommandLine;
using System.Text.Json;
using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Inspection;

namespace Edge.Cli.Commands;

/// <summary><c>edge inspect MODEL</c>: ops, opsets, parameters, size and which layers are quantized how.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "ONNX model file." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("inspect", "Describe a model: ops, opsets, parameters, size, quantization.") { model, json };
        command.SetAction(parse => CommandGuard.Run(() => Execute(parse.GetValue(model)!, parse.GetValue(json))));
        return command;
    }

    private static int Execute(string path, bool json)
    {
        var graph = GraphImporter.Import(OnnxModelReader.ReadModel(path));
        var summary = ModelSummary.Of(graph, new FileInfo(path).Length);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }
        Console.WriteLine($"model       {path} ({summary.FileBytes / 1024.0:F1} KiB){(summary.Producer is null ? "" : $", produced by {summary.Producer}")}");
        Console.WriteLine($"opsets      {string.Join(", ", summary.Opsets.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Console.WriteLine($"inputs      {string.Join(", ", summary.Inputs)}");
        Console.WriteLine($"outputs     {string.Join(", ", summary.Outputs)}");
        Console.WriteLine($"parameters  {summary.Parameters:N0} in {summary.Initializers} initializers ({summary.ParameterBytes / 1024.0:F1} KiB)");
        Console.WriteLine($"nodes       {summary.Nodes}: {string.Join(", ", summary.OpCounts.Select(kv => $"{kv.Key}×{kv.Value}"))}");
        Console.WriteLine($"quantized   {summary.Layers.Count(l => l.Precision != "float")} of {summary.Layers.Count} compute layers");
        foreach (var layer in summary.Layers)
            Console.WriteLine($"  {layer.Name,-32} {layer.OpType,-22} {layer.Precision,-6} {layer.Granularity,-12} {layer.Scheme}");
        return ExitCodes.Success;
    }
}

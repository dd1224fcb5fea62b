using System.CommandLine;
using System.Diagnostics;
using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Cli.Commands;

/// <summary><c>edge run [MODEL] --input NAME=FILE.pb … [--output-dir DIR]</c>: one inference.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "ONNX model file (default: the bundled sample model and its sample input).", Arity = ArgumentArity.ZeroOrOne };
        var inputs = CommonOptions.Inputs();
        var outputDir = new Option<string?>("--output-dir") { Description = "Write each output as DIR/<output name>.pb (ONNX TensorProto)." };
        var backend = CommonOptions.Backend();
        var threads = CommonOptions.Threads();
        var command = new Command("run", "Run a model once and print (or write) its outputs.") { model, inputs, outputDir, backend, threads };
        command.SetAction(parse => CommandGuard.Run(() => Execute(
            parse.GetValue(model), parse.GetValue(inputs) ?? [], parse.GetValue(outputDir), parse.GetValue(backend)!, parse.GetValue(threads))));
        return command;
    }

    private static int Execute(string? modelPath, string[] inputSpecs, string? outputDir, string backend, int threads)
    {
        if (modelPath is null)
        {
            modelPath = SampleModel.ModelPath;
            if (inputSpecs.Length == 0)
                inputSpecs = [SampleModel.InputPath];
            Console.WriteLine($"Running the bundled sample model {modelPath}");
        }
        var loadWatch = Stopwatch.StartNew();
        var session = InferenceSession.Load(modelPath, CommonOptions.SessionOptions(backend, threads));
        loadWatch.Stop();
        if (inputSpecs.Length == 0)
            throw new CliException($"no inputs given; the model takes {string.Join(", ", session.Inputs.Select(i => $"{i.Name} ({i.Type.OnnxName()}{i.DescribeShape()})"))}: pass --input NAME=FILE.pb");
        var feeds = InputBinder.Bind(session, inputSpecs);
        var runWatch = Stopwatch.StartNew();
        var outputs = session.Run(feeds);
        runWatch.Stop();

        Console.WriteLine($"loaded in {loadWatch.Elapsed.TotalMilliseconds:F1} ms, ran in {runWatch.Elapsed.TotalMilliseconds:F2} ms on {backend}");
        foreach (var output in session.Outputs)
        {
            var tensor = outputs[output.Name];
            Console.WriteLine($"{output.Name}: {tensor.Type.OnnxName()}{tensor.Shape} {Summarize(tensor)}");
            if (outputDir is not null)
                OnnxModelWriter.WriteTensor(TensorProtoConverter.ToProto(tensor, output.Name), OutputNames.FileFor(outputDir, output.Name));
        }
        return ExitCodes.Success;
    }

    private static string Summarize(Tensor tensor)
    {
        var values = tensor.ToDoubleArray();
        string head = string.Join(", ", values.Take(10).Select(v => v.ToString("G5")));
        string text = values.Length > 10 ? $"[{head}, …]" : $"[{head}]";
        // A [batch, classes] float output is almost always logits or probabilities.
        if (tensor.Type == DataType.Float32 && tensor.Shape.Rank == 2 && tensor.Shape[1] > 1)
        {
            int classes = tensor.Shape[1];
            var argmax = Enumerable.Range(0, tensor.Shape[0])
                .Select(r => Enumerable.Range(0, classes).MaxBy(c => values[r * classes + c]));
            text += $" argmax {string.Join(",", argmax)}";
        }
        return text;
    }
}

using System.CommandLine;
using Edge.Agent.Inference;
using Edge.Agent.Mqtt;
using Edge.Onnx;
using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;

namespace Edge.Cli.Commands;

/// <summary><c>edge infer --name N --input NAME=FILE.pb … [--output-dir DIR]</c>: one inference on a device, over MQTT.</summary>
public static class InferCommand
{
    public static Command Create()
    {
        var broker = new BrokerOptions();
        var name = new Option<string>("--name") { Description = "Model name on the device.", Required = true };
        var inputs = new Option<string[]>("--input") { Description = "An input as NAME=FILE.pb (ONNX TensorProto); a bare FILE.pb uses the name stored in the file. Repeat per input.", Required = true, AllowMultipleArgumentsPerToken = true };
        var outputDir = new Option<string?>("--output-dir") { Description = "Write each output as DIR/<output name>.pb." };
        var command = new Command("infer", "Run a model on a device over MQTT.") { name, inputs, outputDir };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandGuard.RunAsync(async () =>
        {
            var tensors = parse.GetValue(inputs)!.Select(ReadInput).ToList();
            await using var mqtt = await MqttClientSession.ConnectAsync(broker.ToConfig(parse), $"edge-infer-{Guid.NewGuid():N}", cancellationToken);
            await using var client = await InferenceClient.CreateAsync(mqtt, new Topics(broker.DeviceId(parse)), cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(broker.Timeout)));
            List<TensorProto> outputs;
            try
            {
                outputs = await client.InferAsync(parse.GetValue(name)!, tensors, timeout.Token);
            }
            catch (InferenceException e)
            {
                Console.Error.WriteLine($"edge: the device answered {e.Code}: {e.Message}");
                return ExitCodes.Refused;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no reply within {parse.GetValue(broker.Timeout)} s");
            }
            foreach (var output in outputs)
            {
                var tensor = TensorProtoConverter.ToTensor(output, output.Name);
                Console.WriteLine($"{output.Name}: {tensor.Type.OnnxName()}{tensor.Shape} [{string.Join(", ", tensor.ToDoubleArray().Take(10).Select(v => v.ToString("G5")))}]");
                if (parse.GetValue(outputDir) is { } dir)
                    OnnxModelWriter.WriteTensor(output, OutputNames.FileFor(dir, output.Name));
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static TensorProto ReadInput(string spec)
    {
        int eq = spec.IndexOf('=');
        string file = eq > 0 ? spec[(eq + 1)..] : spec;
        if (!File.Exists(file))
            throw new CliException($"--input {spec}: file '{file}' not found");
        var proto = OnnxModelReader.ReadTensor(file);
        if (eq > 0)
            proto.Name = spec[..eq];
        if (string.IsNullOrEmpty(proto.Name))
            throw new CliException($"--input {spec}: the tensor in the file has no name; pass NAME=FILE.pb");
        return proto;
    }
}

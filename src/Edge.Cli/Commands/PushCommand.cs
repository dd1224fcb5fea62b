using System.CommandLine;
using Edge.Agent.Deployment;
using Edge.Agent.Mqtt;
using Edge.Quantization;
using Edge.Quantization.Calibration;
using Edge.Quantization.Distillation;

namespace Edge.Cli.Commands;

/// <summary><c>edge push --model FILE --name N --version V [--key FILE]</c>: deploy a model; exit 0 only when the device reports it active.</summary>
public static class PushCommand
{
    public static Command Create()
    {
        var broker = new BrokerOptions();
        var model = new Option<string>("--model") { Description = "The ONNX model file.", Required = true };
        var name = new Option<string>("--name") { Description = "Model name on the device.", Required = true };
        var version = new Option<string>("--version") { Description = "Model version (numbers separated by dots).", Required = true };
        var key = new Option<string?>("--key") { Description = "Private key PEM (edge keygen) to sign the manifest; without it the push is unsigned." };
        var force = new Option<bool>("--force") { Description = "Allow a version not newer than the active one." };
        var validation = new Option<string?>("--validation") { Description = "Folder the device checks before swapping: ONNX test data (test_data_set_N/input_K.pb, output_K.pb) to reproduce, and/or labelled samples (inputs.pb, labels.pb) to reach --min-accuracy on." };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance of the validation.", DefaultValueFactory = _ => 1e-4 };
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance of the validation.", DefaultValueFactory = _ => 1e-3 };
        var minAccuracy = new Option<double?>("--min-accuracy") { Description = "Share (0..1) of the labelled validation samples the model must classify right (argmax of its first output)." };
        var quantize = new Option<string?>("--quantize") { Description = "Have the device quantize the (fp32) model on arrival, before validation: dynamic or static." };
        quantize.AcceptOnlyFromAmong("dynamic", "static");
        var calibration = new Option<string?>("--calibration") { Description = "With --quantize static: folder of TensorProto .pb input batches, sent along." };
        var perChannel = new Option<bool>("--per-channel") { Description = "With --quantize: weights per output channel." };
        var quantizeFormat = new Option<string>("--quantize-format") { Description = "With --quantize static: qdq or qoperator.", DefaultValueFactory = _ => "qdq" };
        quantizeFormat.AcceptOnlyFromAmong("qdq", "qoperator");
        var method = new Option<string>("--calibration-method") { Description = "With --quantize static: minmax, percentile or entropy.", DefaultValueFactory = _ => "minmax" };
        method.AcceptOnlyFromAmong("minmax", "percentile", "entropy");
        var distillation = new Option<string?>("--distillation") { Description = "Distillation gate: folder with inputs.pb and labels.pb and/or teacher_logits.pb the model is measured on before it goes live." };
        var teacher = new Option<string?>("--teacher") { Description = "With --distillation: a model live on the device whose logits are the teacher's." };
        var temperature = new Option<double>("--temperature") { Description = "With --distillation: softmax temperature of the KL divergence.", DefaultValueFactory = _ => 1 };
        var minAgreement = new Option<double?>("--min-agreement") { Description = "With --distillation: lowest top-1 agreement with the teacher, 0..1." };
        var maxKl = new Option<double?>("--max-kl") { Description = "With --distillation: highest mean KL(teacher || student) in nats." };
        var minStudentAccuracy = new Option<double?>("--min-student-accuracy") { Description = "With --distillation: lowest accuracy on the set's labels, 0..1." };
        var command = new Command("push", "Push a model to a device over MQTT and wait until it is active.")
            { model, name, version, key, force, validation, atol, rtol, minAccuracy, quantize, calibration, perChannel, quantizeFormat, method,
              distillation, teacher, temperature, minAgreement, maxKl, minStudentAccuracy };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandGuard.RunAsync(async () =>
        {
            string file = parse.GetValue(model)!;
            if (!File.Exists(file))
                throw new CliException($"--model: file '{file}' not found");
            byte[] bytes = await File.ReadAllBytesAsync(file, cancellationToken);
            using var signingKey = parse.GetValue(key) is { } keyFile ? SigningKeys.LoadPem(keyFile) : null;
            string deviceId = broker.DeviceId(parse);
            await using var mqtt = await MqttClientSession.ConnectAsync(broker.ToConfig(parse), $"edge-push-{Guid.NewGuid():N}", cancellationToken);
            var client = new DeployClient(mqtt, new Topics(deviceId)) { Progress = ProgressBar.Draw };
            if (parse.GetValue(minAccuracy) is { } min && (parse.GetValue(validation) is null || !(min is >= 0 and <= 1)))
                throw new CliException($"--min-accuracy: needs --validation DIR with inputs.pb and labels.pb, and a value between 0 and 1 (got {min})");
            var validationSet = parse.GetValue(validation) is { } dir ? ValidationSet.Pack(dir, parse.GetValue(atol), parse.GetValue(rtol), parse.GetValue(minAccuracy)) : null;
            var quantizeRequest = parse.GetValue(quantize) is { } mode ? PackQuantize(mode, parse.GetValue(calibration), parse.GetValue(perChannel), parse.GetValue(quantizeFormat)!, parse.GetValue(method)!) : null;
            var gate = parse.GetValue(distillation) is { } gateFolder ? PackGate(gateFolder, parse.GetValue(teacher), new DistillationThresholds
            {
                Temperature = parse.GetValue(temperature),
                MinTop1Agreement = parse.GetValue(minAgreement),
                MaxKlDivergence = parse.GetValue(maxKl),
                MinAccuracy = parse.GetValue(minStudentAccuracy),
            }) : null;
            var result = await client.PushAsync(parse.GetValue(name)!, parse.GetValue(version)!, bytes, signingKey, parse.GetValue(force),
                TimeSpan.FromSeconds(parse.GetValue(broker.Timeout)), cancellationToken, validationSet, quantizeRequest, gate);
            ProgressBar.End();
            var state = result.FinalState;
            if (result.IsActive)
            {
                Console.WriteLine($"{parse.GetValue(name)} {state.Version} is active on {deviceId}" + (state.Message is null ? "" : $" ({state.Message})"));
                if (state.Distillation is { } d)
                    Console.WriteLine($"distillation gate: top-1 agreement {d.Top1Agreement:P1}, KL {d.KlDivergence:0.####} at T={d.Temperature:0.##}" +
                        (d.Accuracy is { } a ? $", accuracy {a:P1}" : "") + $" over {d.Samples} samples");
                return ExitCodes.Success;
            }
            Console.Error.WriteLine($"edge: {deviceId} refused {parse.GetValue(name)} {state.Version} ({state.Reason}): {state.Message}" +
                (state.ActiveVersion is null ? "" : $"; {state.ActiveVersion} keeps serving"));
            return ExitCodes.Refused;
        }));
        return command;
    }

    private static System.Text.Json.Nodes.JsonObject PackGate(string folder, string? teacher, DistillationThresholds thresholds)
    {
        try
        {
            return DistillationCheck.Pack(folder, thresholds, teacher);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--distillation: {e.Message}");
        }
    }

    private static System.Text.Json.Nodes.JsonObject PackQuantize(string mode, string? calibration, bool perChannel, string format, string method)
    {
        try
        {
            return QuantizeOnArrival.Pack(mode == "static" ? QuantizationMode.Static : QuantizationMode.Dynamic, calibration, perChannel,
                format == "qoperator" ? QuantizationFormat.QOperator : QuantizationFormat.Qdq,
                method switch { "percentile" => CalibrationMethod.Percentile, "entropy" => CalibrationMethod.Entropy, _ => CalibrationMethod.MinMax });
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--calibration: {e.Message}");
        }
    }
}

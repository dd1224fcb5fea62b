using System.CommandLine;
using Edge.Agent.Deployment;
using Edge.Agent.Mqtt;
using Edge.Quantization;
using Edge.Quantization.Calibration;

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
        var validation = new Option<string?>("--validation") { Description = "ONNX test-data folder (test_data_set_N/input_K.pb, output_K.pb) the device must reproduce before swapping." };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance of the validation.", DefaultValueFactory = _ => 1e-4 };
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance of the validation.", DefaultValueFactory = _ => 1e-3 };
        var quantize = new Option<string?>("--quantize") { Description = "Have the device quantize the (fp32) model on arrival, before validation: dynamic or static." };
        quantize.AcceptOnlyFromAmong("dynamic", "static");
        var calibration = new Option<string?>("--calibration") { Description = "With --quantize static: folder of TensorProto .pb input batches, sent along." };
        var perChannel = new Option<bool>("--per-channel") { Description = "With --quantize: weights per output channel." };
        var quantizeFormat = new Option<string>("--quantize-format") { Description = "With --quantize static: qdq or qoperator.", DefaultValueFactory = _ => "qdq" };
        quantizeFormat.AcceptOnlyFromAmong("qdq", "qoperator");
        var method = new Option<string>("--calibration-method") { Description = "With --quantize static: minmax, percentile or entropy.", DefaultValueFactory = _ => "minmax" };
        method.AcceptOnlyFromAmong("minmax", "percentile", "entropy");
        var command = new Command("push", "Push a model to a device over MQTT and wait until it is active.")
            { model, name, version, key, force, validation, atol, rtol, quantize, calibration, perChannel, quantizeFormat, method };
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
            var validationSet = parse.GetValue(validation) is { } dir ? ValidationSet.Pack(dir, parse.GetValue(atol), parse.GetValue(rtol)) : null;
            var quantizeRequest = parse.GetValue(quantize) is { } mode ? PackQuantize(mode, parse.GetValue(calibration), parse.GetValue(perChannel), parse.GetValue(quantizeFormat)!, parse.GetValue(method)!) : null;
            var result = await client.PushAsync(parse.GetValue(name)!, parse.GetValue(version)!, bytes, signingKey, parse.GetValue(force),
                TimeSpan.FromSeconds(parse.GetValue(broker.Timeout)), cancellationToken, validationSet, quantizeRequest);
            ProgressBar.End();
            var state = result.FinalState;
            if (result.IsActive)
            {
                Console.WriteLine($"{parse.GetValue(name)} {state.Version} is active on {deviceId}");
                return ExitCodes.Success;
            }
            Console.Error.WriteLine($"edge: {deviceId} refused {parse.GetValue(name)} {state.Version} ({state.Reason}): {state.Message}" +
                (state.ActiveVersion is null ? "" : $"; {state.ActiveVersion} keeps serving"));
            return ExitCodes.Refused;
        }));
        return command;
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

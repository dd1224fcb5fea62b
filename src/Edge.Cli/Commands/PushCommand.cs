using System.CommandLine;
using Edge.Agent.Deployment;
using Edge.Agent.Mqtt;

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
        var command = new Command("push", "Push a model to a device over MQTT and wait until it is active.") { model, name, version, key, force, validation, atol, rtol, minAccuracy };
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
            var result = await client.PushAsync(parse.GetValue(name)!, parse.GetValue(version)!, bytes, signingKey, parse.GetValue(force),
                TimeSpan.FromSeconds(parse.GetValue(broker.Timeout)), cancellationToken, validationSet);
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
}

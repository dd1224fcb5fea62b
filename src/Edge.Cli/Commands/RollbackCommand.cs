using System.CommandLine;
using System.Text.Json.Nodes;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;

namespace Edge.Cli.Commands;

/// <summary><c>edge rollback --name N</c>: return a device's model to its previous stored version.</summary>
public static class RollbackCommand
{
    public static Command Create()
    {
        var broker = new BrokerOptions();
        var name = new Option<string>("--name") { Description = "Model name on the device.", Required = true };
        var command = new Command("rollback", "Make the previous stored version of a model live again.") { name };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandGuard.RunAsync(async () =>
        {
            string deviceId = broker.DeviceId(parse);
            await using var mqtt = await MqttClientSession.ConnectAsync(broker.ToConfig(parse), $"edge-rollback-{Guid.NewGuid():N}", cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(broker.Timeout)));
            JsonObject reply;
            try
            {
                reply = await CommandClient.RunAsync(mqtt, new Topics(deviceId), "rollback", new JsonObject { ["model"] = parse.GetValue(name) }, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no reply within {parse.GetValue(broker.Timeout)} s");
            }
            if (reply["ok"]?.GetValue<bool>() == true)
            {
                Console.WriteLine($"{parse.GetValue(name)} {reply["version"]} is active on {deviceId}");
                return ExitCodes.Success;
            }
            Console.Error.WriteLine($"edge: {deviceId} refused the rollback ({reply["code"]}): {reply["message"]}");
            return ExitCodes.Refused;
        }));
        return command;
    }
}

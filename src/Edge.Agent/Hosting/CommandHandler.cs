using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Agent.Deployment;
using Edge.Agent.Mqtt;
using MQTTnet;

namespace Edge.Agent.Hosting;

/// <summary>Runs <c>cmd/{command}</c> requests (PROTOCOL.md) and builds their JSON replies.</summary>
public sealed class CommandHandler(DeployCoordinator deploys)
{
    public async Task<MqttApplicationMessage> RunAsync(string command, MqttApplicationMessage request, CancellationToken cancellationToken)
    {
        JsonObject reply;
        try
        {
            string model = ModelOf(request);
            reply = command switch
            {
                "rollback" => new JsonObject { ["ok"] = true, ["model"] = model, ["version"] = await deploys.RollbackAsync(model, cancellationToken) },
                _ => throw new DeployRefusedException("unknown-command", $"unknown command '{command}' (known: rollback)"),
            };
        }
        catch (DeployRefusedException e)
        {
            reply = new JsonObject { ["ok"] = false, ["code"] = e.Reason, ["message"] = e.Message };
        }
        return MqttClientSettings.Message(request.ResponseTopic, JsonSerializer.SerializeToUtf8Bytes(reply))
            .WithCorrelationData(request.CorrelationData)
            .WithContentType("application/json")
            .Build();
    }

    private static string ModelOf(MqttApplicationMessage request)
    {
        try
        {
            return JsonNode.Parse(request.Payload.ToArray())?["model"]?.GetValue<string>()
                ?? throw new DeployRefusedException("bad-request", "expected { \"model\": \"NAME\" }");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new DeployRefusedException("bad-request", $"expected {{ \"model\": \"NAME\" }}: {e.Message}");
        }
    }
}

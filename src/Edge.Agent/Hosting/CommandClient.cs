using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Agent.Mqtt;

namespace Edge.Agent.Hosting;

/// <summary>Sends a <c>cmd/{command}</c> request and waits for its reply (<c>edge rollback</c>).</summary>
public static class CommandClient
{
    /// <summary>The device's JSON reply (<c>ok</c>, then <c>version</c> or <c>code</c> and <c>message</c>).</summary>
    public static async Task<JsonObject> RunAsync(MqttClientSession mqtt, Topics topics, string command, JsonObject arguments, CancellationToken cancellationToken)
    {
        string replyTopic = $"{topics.Root}/reply/{Guid.NewGuid():N}";
        byte[] correlation = Guid.NewGuid().ToByteArray();
        await mqtt.SubscribeAsync(replyTopic, cancellationToken);
        await mqtt.PublishAsync(MqttClientSettings.Message($"{topics.Root}/cmd/{command}", JsonSerializer.SerializeToUtf8Bytes(arguments))
            .WithResponseTopic(replyTopic).WithCorrelationData(correlation).Build(), cancellationToken);
        while (true)
        {
            var message = await mqtt.Messages.ReadAsync(cancellationToken);
            if (message.Topic == replyTopic && message.CorrelationData.AsSpan().SequenceEqual(correlation))
                return JsonNode.Parse(message.Payload.ToArray()) as JsonObject ?? throw new MqttSessionException("the device's reply is not a JSON object");
        }
    }
}

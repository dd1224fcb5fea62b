using System.Text.Json;
using MQTTnet;

namespace Edge.Agent.Mqtt;

/// <summary>Builds replies to <c>infer/{name}</c> requests: on the request's response topic, with its correlation data.</summary>
public static class InferenceReply
{
    /// <summary>User property saying <c>ok</c> or <c>error</c>.</summary>
    public const string StatusProperty = "status";

    public static MqttApplicationMessage Ok(MqttApplicationMessage request, byte[] outputs)
        => Reply(request, outputs, "ok", Inference.TensorCodec.ContentType);

    public static MqttApplicationMessage Error(MqttApplicationMessage request, string code, string message)
        => Reply(request, JsonSerializer.SerializeToUtf8Bytes(new { code, message }), "error", "application/json");

    private static MqttApplicationMessage Reply(MqttApplicationMessage request, byte[] payload, string status, string contentType)
        => MqttClientSettings.Message(request.ResponseTopic, payload)
            .WithCorrelationData(request.CorrelationData)
            .WithContentType(contentType)
            .WithUserProperty(StatusProperty, new ReadOnlyMemory<byte>(System.Text.Encoding.UTF8.GetBytes(status)))
            .Build();
}

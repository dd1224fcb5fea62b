using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Edge.Agent.Mqtt;
using Edge.Onnx.Protos;
using MQTTnet;
using MQTTnet.Packets;

namespace Edge.Agent.Inference;

/// <summary>
/// Requests inference over MQTT (<c>edge infer</c>, tests): MQTT 5 response topic plus correlation
/// data, so many requests can be outstanding on one connection.
/// </summary>
public sealed class InferenceClient : IAsyncDisposable
{
    private readonly MqttClientSession _mqtt;
    private readonly Topics _topics;
    private readonly string _replyTopic;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<MqttApplicationMessage>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    private InferenceClient(MqttClientSession mqtt, Topics topics, string replyTopic)
    {
        _mqtt = mqtt;
        _topics = topics;
        _replyTopic = replyTopic;
        _pump = Task.Run(PumpAsync);
    }

    public static async Task<InferenceClient> CreateAsync(MqttClientSession mqtt, Topics topics, CancellationToken cancellationToken)
    {
        string replyTopic = $"{topics.Root}/reply/{Guid.NewGuid():N}";
        await mqtt.SubscribeAsync(replyTopic, cancellationToken);
        return new InferenceClient(mqtt, topics, replyTopic);
    }

    /// <summary>Runs <paramref name="model"/> on named input tensors; throws <see cref="InferenceException"/> with the device's error.</summary>
    public async Task<List<TensorProto>> InferAsync(string model, IEnumerable<TensorProto> inputs, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var reply = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            var request = MqttClientSettings.Message(_topics.Infer(model), TensorCodec.Encode(inputs))
                .WithResponseTopic(_replyTopic)
                .WithCorrelationData(id.ToByteArray())
                .WithContentType(TensorCodec.ContentType)
                .Build();
            await _mqtt.PublishAsync(request, cancellationToken);
            var message = await reply.Task.WaitAsync(cancellationToken);
            byte[] payload = message.Payload.ToArray();
            string? status = message.UserProperties?.FirstOrDefault(p => p.Name == InferenceReply.StatusProperty)?.ReadValueAsString();
            if (status == "ok")
                return TensorCodec.DecodeProtos(payload);
            var error = JsonSerializer.Deserialize<JsonElement>(payload);
            throw new InferenceException(error.GetProperty("code").GetString() ?? "error", error.GetProperty("message").GetString() ?? Encoding.UTF8.GetString(payload));
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        await foreach (var message in _mqtt.Messages.ReadAllAsync(_stop.Token))
        {
            if (message.Topic == _replyTopic && message.CorrelationData is { Length: 16 } data && _pending.TryGetValue(new Guid(data), out var waiter))
                waiter.TrySetResult(message);
        }
    }
}

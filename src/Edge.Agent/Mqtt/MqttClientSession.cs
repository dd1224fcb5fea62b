using System.Threading.Channels;
using Edge.Agent.Configuration;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Agent.Mqtt;

/// <summary>A short-lived client for the CLI and tests: connect once, subscribe, read messages from a queue.</summary>
public sealed class MqttClientSession : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Channel<MqttApplicationMessage> _messages = Channel.CreateUnbounded<MqttApplicationMessage>();

    private MqttClientSession(IMqttClient client, uint maximumPacketSize)
    {
        _client = client;
        MaximumPacketSize = maximumPacketSize;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _messages.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    /// <summary>From CONNACK; 0 when the broker set no limit.</summary>
    public uint MaximumPacketSize { get; }

    public ChannelReader<MqttApplicationMessage> Messages => _messages.Reader;

    /// <summary>Connects; throws <see cref="MqttSessionException"/> when the broker is unreachable or refuses.</summary>
    public static async Task<MqttClientSession> ConnectAsync(BrokerConfig broker, string clientId, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = MqttClientSettings.Builder(broker, clientId).WithCleanStart(true).Build().WithLargeBuffers();
        try
        {
            var result = await client.ConnectAsync(options, cancellationToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                throw new MqttSessionException($"broker {broker.Host}:{broker.Port} refused the connection: {result.ResultCode} {result.ReasonString}");
            var session = new MqttClientSession(client, result.MaximumPacketSize ?? 0);
            client = null!;
            return session;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException)
        {
            throw new MqttSessionException($"cannot reach the broker at {broker.Host}:{broker.Port}: {e.Message}");
        }
        finally
        {
            client?.Dispose();
        }
    }

    public async Task SubscribeAsync(string filter, CancellationToken cancellationToken)
    {
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        await _client.SubscribeAsync(options, cancellationToken);
    }

    public Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken) => _client.PublishAsync(message, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync();
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // already gone
            }
        }
        _client.Dispose();
    }
}

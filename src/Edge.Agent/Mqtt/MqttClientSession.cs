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

    private readonly List<string> _filters = [];
    private MqttClientOptions _options = null!;

    private MqttClientSession(IMqttClient client, uint maximumPacketSize, int sendWindow)
    {
        _client = client;
        MaximumPacketSize = maximumPacketSize;
        SendWindow = sendWindow;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _messages.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    /// <summary>From CONNACK; 0 when the broker set no limit.</summary>
    public uint MaximumPacketSize { get; }

    public ChannelReader<MqttApplicationMessage> Messages => _messages.Reader;

    /// <summary>How many QoS 1 publishes may await their PUBACK at once: the broker's receive maximum, at most 16.</summary>
    public int SendWindow { get; }

    private const int MaxSendWindow = 16;

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
            // MQTT 5: a receive maximum of 0 is not sent, meaning the default of 65535.
            int receiveMaximum = result.ReceiveMaximum is null or 0 ? ushort.MaxValue : result.ReceiveMaximum.Value;
            var session = new MqttClientSession(client, result.MaximumPacketSize ?? 0, Math.Min(MaxSendWindow, receiveMaximum)) { _options = options };
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
        if (!_filters.Contains(filter))
            _filters.Add(filter);
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects again after the broker went away (retrying until <paramref name="cancellationToken"/>) and renews the subscriptions.</summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    var result = await _client.ConnectAsync(_options, cancellationToken);
                    if (result.ResultCode != MqttClientConnectResultCode.Success)
                        throw new MqttSessionException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
                }
                foreach (string filter in _filters.ToList())
                    await SubscribeAsync(filter, cancellationToken);
                return;
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException)
            {
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
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

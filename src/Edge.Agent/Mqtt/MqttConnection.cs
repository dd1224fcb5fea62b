using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Mqtt;

/// <summary>
/// A client that stays connected: MQTTnet 5 has no managed client, so a loop pings and reconnects
/// with backoff, and resubscribes whenever the broker kept no session. Messages go to one handler.
/// </summary>
public sealed class MqttConnection : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly IReadOnlyList<string> _filters;
    private readonly ILogger _logger;
    private readonly string _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private Task? _loop;

    /// <param name="onConnected">Runs after each (re)connect, e.g. to republish retained status.</param>
    public MqttConnection(MqttClientOptions options, IReadOnlyList<string> filters, IMessageHandler handler, Func<CancellationToken, Task> onConnected, ILogger logger)
    {
        _client = new MqttClientFactory().CreateMqttClient();
        _options = options;
        _filters = filters;
        _logger = logger;
        _server = options.ChannelOptions is MqttClientTcpOptions { RemoteEndpoint: System.Net.DnsEndPoint dns } ? $"{dns.Host}:{dns.Port}" : $"{options.ChannelOptions}";
        OnConnected = onConnected;
        _client.ApplicationMessageReceivedAsync += e => handler.HandleAsync(e.ApplicationMessage, _stop.Token);
    }

    private Func<CancellationToken, Task> OnConnected { get; }

    public bool IsConnected => _client.IsConnected;

    /// <summary>True while the reconnect loop runs (connected or retrying).</summary>
    public bool IsRunning => _loop is { IsCompleted: false };

    /// <summary>Largest packet the broker accepts (from CONNACK; 0 when it set no limit).</summary>
    public uint MaximumPacketSize { get; private set; }

    /// <summary>Connects (retrying with backoff until <paramref name="cancellationToken"/>), then keeps the connection up in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!await TryConnectAsync(cancellationToken))
        {
            await Task.Delay(backoff, cancellationToken);
            backoff = Min(backoff * 2, MaxBackoff);
        }
        _loop = Task.Run(() => KeepAliveAsync(_stop.Token), CancellationToken.None);
    }

    public Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
        => _client.PublishAsync(message, cancellationToken);

    /// <summary>Publishes <paramref name="finalMessage"/> (e.g. offline status) and disconnects cleanly, so no last will fires.</summary>
    public async Task StopAsync(MqttApplicationMessage? finalMessage, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_client.IsConnected)
            return;
        try
        {
            if (finalMessage is not null)
                await _client.PublishAsync(finalMessage, cancellationToken);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            _logger.LogWarning("Could not say goodbye to the broker: {Error}", e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync(null, CancellationToken.None);
        _client.Dispose();
        _stop.Dispose();
        _connectLock.Dispose();
    }

    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                bool alive = await _client.TryPingAsync(cancellationToken) || await TryConnectAsync(cancellationToken);
                backoff = alive ? TimeSpan.FromMilliseconds(200) : Min(backoff * 2, MaxBackoff);
                await Task.Delay(alive ? TimeSpan.FromSeconds(1) : backoff, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_client.IsConnected)
                return true;
            var result = await _client.ConnectAsync(_options, cancellationToken);
            // A rejected CONNACK does not throw in MQTTnet 5.
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                _logger.LogError("Broker {Server} refused the connection: {Code} {Reason}", _server, result.ResultCode, result.ReasonString);
                return false;
            }
            MaximumPacketSize = result.MaximumPacketSize ?? 0;
            if (!result.IsSessionPresent && _filters.Count > 0)
            {
                var subscribe = new MqttClientSubscribeOptionsBuilder();
                foreach (string filter in _filters)
                    subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
                await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
            }
            _logger.LogInformation("Connected to {Server} (session {Session})", _server, result.IsSessionPresent ? "resumed" : "new");
            await OnConnected(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Broker {Server} unreachable: {Error}", _server, e.Message);
            return false;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

using Edge.Agent.Mqtt;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Telemetry;

/// <summary>
/// Publishes a report on <c>telemetry</c> every interval. While the broker is away reports wait in a
/// bounded buffer (oldest dropped, and counted in the next report sent) and go out after reconnect.
/// </summary>
public sealed class TelemetryPublisher(TelemetryCollector collector, Func<MqttConnection?> connection, Topics topics, TimeSpan interval, ILogger logger, int capacity = 360)
{
    private readonly Queue<TelemetryReport> _pending = new();
    private long _dropped;

    /// <summary>Reports waiting for the broker.</summary>
    public int Pending => _pending.Count;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await TickAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes one report and sends what the broker can take now.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        _pending.Enqueue(collector.Snapshot());
        while (_pending.Count > capacity)
        {
            _pending.Dequeue();
            _dropped++;
        }
        while (_pending.Count > 0 && connection() is { IsConnected: true } mqtt)
        {
            var report = _pending.Peek() with { Dropped = _dropped };
            try
            {
                await mqtt.PublishAsync(MqttClientSettings.Message(topics.Telemetry, report.ToJsonBytes()).Build(), cancellationToken);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException e)
            {
                logger.LogDebug("Telemetry kept for later: {Error}", e.Message);
                return;
            }
            _pending.Dequeue();
            _dropped = 0;
        }
    }
}

using System.Net;
using Edge.Agent.Configuration;
using Prometheus;

namespace Edge.Agent.Telemetry;

/// <summary>Serves <see cref="AgentMetrics"/> as Prometheus text on <c>http://HOST:PORT/metrics</c> (prometheus-net's HttpListener server).</summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly MetricServer _server;

    private MetricsEndpoint(MetricServer server, ListenAddress address)
    {
        _server = server;
        Address = address;
    }

    public ListenAddress Address { get; }

    /// <summary>Starts listening; a port in use or a host that cannot be bound is a <see cref="ConfigurationException"/> naming <c>metricsListen</c>.</summary>
    public static MetricsEndpoint Start(ListenAddress address, AgentMetrics metrics)
    {
        // HttpListener spells "every interface" as '+'.
        var server = new MetricServer(address.IsAnyHost ? "+" : address.Host, address.Port, "metrics/", metrics.Registry);
        try
        {
            server.Start();
        }
        catch (HttpListenerException e)
        {
            server.Dispose();
            throw new ConfigurationException("metricsListen", $"cannot serve metrics on {address}: {e.Message}");
        }
        return new MetricsEndpoint(server, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }
}

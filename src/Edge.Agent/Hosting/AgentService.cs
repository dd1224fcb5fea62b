using Edge.Agent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Hosting;

/// <summary>Runs a <see cref="DeviceAgent"/> as a hosted service: started before the host reports ready, stopped on SIGTERM.</summary>
public sealed class AgentService(AgentConfig config, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly SystemdNotifier _systemd = new(Environment.GetEnvironmentVariable);
    private DeviceAgent? _agent;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _agent = await DeviceAgent.StartAsync(config, loggers, cancellationToken);
        // Pings stop if the connection loop dies, so systemd restarts a wedged agent.
        _systemd.Ready(() => _agent.IsHealthy);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _systemd.Stopping();
        return _agent?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
            await _agent.DisposeAsync();
        _systemd.Dispose();
    }
}

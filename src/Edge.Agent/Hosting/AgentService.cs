using Edge.Agent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Hosting;

/// <summary>Runs a <see cref="DeviceAgent"/> as a hosted service: started before the host reports ready, stopped on SIGTERM.</summary>
public sealed class AgentService(AgentConfig config, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private DeviceAgent? _agent;

    public async Task StartAsync(CancellationToken cancellationToken)
        => _agent = await DeviceAgent.StartAsync(config, loggers, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken)
        => _agent?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
            await _agent.DisposeAsync();
    }
}

using Edge.Agent.Deployment;

namespace Edge.Agent.Telemetry;

/// <summary>Records each deploy state in the Prometheus metrics, then publishes it as usual.</summary>
public sealed class MeteredStatePublisher(IStatePublisher inner, AgentMetrics metrics) : IStatePublisher
{
    public Task PublishAsync(string model, DeployState state, CancellationToken cancellationToken)
    {
        metrics.RecordDeployState(model, state);
        return inner.PublishAsync(model, state, cancellationToken);
    }
}

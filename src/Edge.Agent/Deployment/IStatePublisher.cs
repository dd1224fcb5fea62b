namespace Edge.Agent.Deployment;

/// <summary>Reports a model's deploy state (retained on <c>models/{name}/state</c>).</summary>
public interface IStatePublisher
{
    Task PublishAsync(string model, DeployState state, CancellationToken cancellationToken);
}

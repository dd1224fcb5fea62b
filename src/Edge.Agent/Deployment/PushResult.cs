namespace Edge.Agent.Deployment;

/// <summary>How a push ended: the device's last state for this transfer.</summary>
public sealed record PushResult(DeployState FinalState)
{
    public bool IsActive => FinalState.State == DeployState.Active;
}

using System.Collections.Concurrent;
using Edge.Agent.Deployment;

namespace Edge.Agent.Tests.Deployment;

/// <summary>Keeps every published state; lets a test wait for a final one.</summary>
internal sealed class RecordingStates : IStatePublisher
{
    public ConcurrentQueue<DeployState> All { get; } = new();

    public Task PublishAsync(string model, DeployState state, CancellationToken cancellationToken)
    {
        All.Enqueue(state);
        return Task.CompletedTask;
    }
}

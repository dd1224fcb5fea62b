namespace Edge.Agent.Inference;

/// <summary>The right to run one request on a model; dispose when the request is done.</summary>
public readonly struct ModelLease(LoadedModel model) : IDisposable
{
    public LoadedModel Model { get; } = model;

    public void Dispose() => Model.Release();
}

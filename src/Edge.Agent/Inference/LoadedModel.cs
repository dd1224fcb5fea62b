using Edge.Agent.Configuration;
using Edge.Runtime.Sessions;

namespace Edge.Agent.Inference;

/// <summary>
/// One session of one model version, reference-counted so that a swap can retire it while requests
/// still run on it: it is disposed when the last of them releases it.
/// </summary>
public sealed class LoadedModel(string name, ModelVersion version, InferenceSession session)
{
    private int _users;
    private int _retired;
    private int _disposed;

    public string Name { get; } = name;

    public ModelVersion Version { get; } = version;

    public InferenceSession Session { get; } = session;

    /// <summary>What the distillation gate measured when this version was deployed with one (telemetry repeats it).</summary>
    public Deployment.DistillationFigures? Distillation { get; init; }

    /// <summary>Registers a user; false when the model was retired meanwhile (take the new one).</summary>
    internal bool TryAcquire()
    {
        Interlocked.Increment(ref _users);
        if (Volatile.Read(ref _retired) == 0)
            return true;
        Release();
        return false;
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0 && Volatile.Read(ref _retired) == 1)
            DisposeOnce();
    }

    /// <summary>No new users; disposed once the current ones are done.</summary>
    internal void Retire()
    {
        Volatile.Write(ref _retired, 1);
        if (Volatile.Read(ref _users) == 0)
            DisposeOnce();
    }

    internal bool IsDisposed => Volatile.Read(ref _disposed) == 1;

    private void DisposeOnce()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            Session.Dispose();
    }
}

using System.Collections.Concurrent;

namespace Edge.Agent.Inference;

/// <summary>The live model of each name; swaps are atomic and never fail a request in flight.</summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, LoadedModel> _models = new(StringComparer.Ordinal);

    public IReadOnlyList<LoadedModel> Active => _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    public LoadedModel? Get(string name) => _models.GetValueOrDefault(name);

    /// <summary>Leases the live model of <paramref name="name"/>; false when there is none.</summary>
    public bool TryAcquire(string name, out ModelLease lease)
    {
        while (_models.TryGetValue(name, out var model))
        {
            if (model.TryAcquire())
            {
                lease = new ModelLease(model);
                return true;
            }
            // Lost a race with a swap: the dictionary already holds the successor.
        }
        lease = default;
        return false;
    }

    /// <summary>Makes <paramref name="model"/> live; the one it replaces finishes its requests, then is disposed.</summary>
    public void Swap(LoadedModel model)
    {
        LoadedModel? old = null;
        _models.AddOrUpdate(model.Name, model, (_, existing) => { old = existing; return model; });
        old?.Retire();
    }

    public void Dispose()
    {
        foreach (var model in _models.Values)
            model.Retire();
        _models.Clear();
    }
}

using Edge.Agent.Configuration;

namespace Edge.Agent.Store;

/// <summary>
/// Models on disk: <c>{stateDir}/models/{name}/{version}/model.onnx</c> (+ <c>manifest.json</c>) and a
/// <c>{name}/current</c> pointer file naming the live version. A version counts only once its
/// <c>model.onnx</c> has been renamed into place, and the pointer is replaced atomically after that,
/// so a kill at any point never leaves a partial model current.
/// </summary>
public sealed class ModelStore
{
    public const string ModelFileName = "model.onnx";
    public const string ManifestFileName = "manifest.json";
    private const string PointerFileName = "current";

    private readonly int _keepVersions;
    private readonly Lock _lock = new();

    /// <summary>Opens (creating) the store and clears what an earlier kill left half-written.</summary>
    public ModelStore(string stateDir, int keepVersions)
    {
        if (keepVersions < 2)
            throw new ArgumentOutOfRangeException(nameof(keepVersions), "keep at least the current and one previous version");
        Root = Path.Combine(Path.GetFullPath(stateDir), "models");
        _keepVersions = keepVersions;
        Directory.CreateDirectory(Root);
        Recover();
    }

    public string Root { get; }

    public string ModelPath(string name, string version) => Path.Combine(Root, name, version, ModelFileName);

    /// <summary>Model names with a current version.</summary>
    public IReadOnlyList<string> Names()
        => Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>()
            .Where(n => GetCurrent(n) is not null).Order(StringComparer.Ordinal).ToList();

    /// <summary>Complete versions of <paramref name="name"/>, oldest first.</summary>
    public IReadOnlyList<string> Versions(string name)
    {
        string folder = Path.Combine(Root, name);
        if (!Directory.Exists(folder))
            return [];
        return Directory.EnumerateDirectories(folder).Select(Path.GetFileName).OfType<string>()
            .Where(v => ModelVersion.TryParse(v, out _) && File.Exists(ModelPath(name, v)))
            .OrderBy(ModelVersion.Parse).ToList();
    }

    /// <summary>Writes a version durably; it is not current until <see cref="SetCurrent"/>.</summary>
    /// <param name="write">Writes the model bytes; if it throws, nothing of this version remains.</param>
    public string Install(string name, string version, Action<Stream> write, string? manifestJson = null)
        => InstallWith(name, version, manifestJson, model => DurableFile.Write(model, write));

    /// <summary>
    /// Installs a version by moving <paramref name="fsyncedSource"/> (already flushed to disk, on the
    /// store's file system) into place: a verified transfer becomes the model without being copied.
    /// </summary>
    public string InstallByMove(string name, string version, string fsyncedSource, string? manifestJson = null)
        => InstallWith(name, version, manifestJson, model =>
        {
            File.Move(fsyncedSource, model, overwrite: true);
            DurableFile.SyncFolder(Path.GetDirectoryName(model)!);
        });

    /// <summary>The version folder and its manifest first; <paramref name="placeModel"/> last, since the model's presence is what makes the version complete.</summary>
    private string InstallWith(string name, string version, string? manifestJson, Action<string> placeModel)
    {
        string folder = Path.Combine(Root, name, version);
        lock (_lock)
        {
            Directory.CreateDirectory(folder);
            DurableFile.SyncFolder(Path.Combine(Root, name));
            if (manifestJson is not null)
                DurableFile.WriteAllText(Path.Combine(folder, ManifestFileName), manifestJson);
            string model = Path.Combine(folder, ModelFileName);
            placeModel(model);
            return model;
        }
    }

    public string Install(string name, string version, ReadOnlyMemory<byte> model, string? manifestJson = null)
        => Install(name, version, s => s.Write(model.Span), manifestJson);

    /// <summary>The live version, or null when none (or when the pointer names an incomplete version).</summary>
    public string? GetCurrent(string name)
    {
        string pointer = Path.Combine(Root, name, PointerFileName);
        if (!File.Exists(pointer))
            return null;
        string version = File.ReadAllText(pointer).Trim();
        return ModelVersion.TryParse(version, out _) && File.Exists(ModelPath(name, version)) ? version : null;
    }

    /// <summary>Makes a complete version live by replacing the pointer atomically, then prunes old versions.</summary>
    public void SetCurrent(string name, string version)
    {
        lock (_lock)
        {
            if (!File.Exists(ModelPath(name, version)))
                throw new InvalidOperationException($"model '{name}' version {version} is not installed");
            DurableFile.WriteAllText(Path.Combine(Root, name, PointerFileName), version + "\n");
            Prune(name, keep: version);
        }
    }

    /// <summary>The newest complete version older than the current one (what a rollback returns to), or null.</summary>
    public string? Previous(string name)
    {
        string? current = GetCurrent(name);
        if (current is null)
            return null;
        var now = ModelVersion.Parse(current);
        return Versions(name).LastOrDefault(v => ModelVersion.Parse(v).CompareTo(now) < 0);
    }

    /// <summary>Removes a version that never became current (a failed load).</summary>
    public void Discard(string name, string version)
    {
        lock (_lock)
        {
            if (GetCurrent(name) == version)
                throw new InvalidOperationException($"model '{name}' version {version} is current");
            string folder = Path.Combine(Root, name, version);
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Reads a version's stored manifest, if it has one.</summary>
    public string? ReadManifest(string name, string version)
    {
        string path = Path.Combine(Root, name, version, ManifestFileName);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    private void Prune(string name, string keep)
    {
        var versions = Versions(name).Where(v => v != keep).ToList();
        // Newest first are kept (keep - 1 of them, besides the current one).
        foreach (string old in versions.Take(Math.Max(0, versions.Count - (_keepVersions - 1))))
            Directory.Delete(Path.Combine(Root, name, old), recursive: true);
    }

    /// <summary>Deletes temp files and version folders without a model, the leftovers of a kill.</summary>
    private void Recover()
    {
        foreach (string modelFolder in Directory.EnumerateDirectories(Root))
        {
            foreach (string file in Directory.EnumerateFiles(modelFolder).Where(DurableFile.IsTemp))
                File.Delete(file);
            string? current = GetCurrent(Path.GetFileName(modelFolder));
            foreach (string versionFolder in Directory.EnumerateDirectories(modelFolder))
            {
                foreach (string file in Directory.EnumerateFiles(versionFolder).Where(DurableFile.IsTemp))
                    File.Delete(file);
                if (!File.Exists(Path.Combine(versionFolder, ModelFileName)) && Path.GetFileName(versionFolder) != current)
                    Directory.Delete(versionFolder, recursive: true);
            }
        }
    }
}

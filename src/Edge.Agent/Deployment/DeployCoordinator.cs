using Edge.Agent.Configuration;
using Edge.Agent.Inference;
using Edge.Agent.Store;
using Edge.Onnx;
using Edge.Runtime;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Deployment;

/// <summary>
/// Runs deploys: manifest checks before any byte is stored, chunk assembly, then (off the message
/// loop, so inference keeps being served) hash check, durable install, load and warm-up, swap and
/// pointer update. Any refusal leaves the active model serving and is reported with its reason.
/// </summary>
public sealed class DeployCoordinator(
    DeployChecks checks, ModelStore store, string transferFolder, ISessionFactory sessions, ModelRegistry registry, IStatePublisher states, ILogger logger)
    : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, InboundTransfer> _byTransferId = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finishing = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];

    /// <summary>Unanswered asks for missing chunks after which a transfer is given up (as truncated).</summary>
    public int MaxAsks { get; init; } = 30;

    /// <summary>Handles a manifest published on <c>models/{topicName}/deploy</c>.</summary>
    public async Task OnManifestAsync(string topicName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        DeployManifest manifest;
        try
        {
            manifest = DeployManifest.Parse(payload.Span);
            if (manifest.Name != topicName)
                throw new DeployRefusedException(DeployRefusal.InvalidManifest, $"manifest name '{manifest.Name}' does not match the topic's '{topicName}'");
            checks.BeforeTransfer(manifest, registry.Get(manifest.Name)?.Version);
        }
        catch (DeployRefusedException e)
        {
            await ReportFailureAsync(topicName, TryReadVersion(payload), TryReadTransferId(payload), e, cancellationToken);
            return;
        }
        InboundTransfer? resumed;
        lock (_lock)
        {
            if (_finishing.Contains(manifest.Name))
            {
                _ = ReportFailureAsync(manifest.Name, manifest.Version.Text, manifest.TransferId,
                    new DeployRefusedException(DeployRefusal.Busy, $"a deploy of '{manifest.Name}' is being applied; try again when it is done"), cancellationToken);
                return;
            }
            resumed = _byTransferId.GetValueOrDefault(manifest.TransferId) is { } known && known.Manifest.SignedBytes.AsSpan().SequenceEqual(manifest.SignedBytes) ? known : null;
            if (resumed is null)
            {
                // A new manifest for the same model supersedes an unfinished transfer.
                foreach (var stale in _byTransferId.Where(t => t.Value.Manifest.Name == manifest.Name).ToList())
                {
                    _byTransferId.Remove(stale.Key);
                    stale.Value.Delete();
                }
                _byTransferId[manifest.TransferId] = InboundTransfer.Create(manifest, transferFolder);
            }
        }
        if (resumed is not null)
        {
            // The sender announced the same transfer again (it reconnected, or we restarted): say what is still missing.
            await states.PublishAsync(manifest.Name, State(manifest, DeployState.Receiving) with
            {
                ChunksReceived = resumed.Received, Chunks = manifest.ChunkCount, Missing = resumed.Missing(),
            }, cancellationToken);
            return;
        }
        logger.LogInformation("Receiving {Model} {Version}: {Size} bytes in {Chunks} chunks (transfer {TransferId})",
            manifest.Name, manifest.Version, manifest.Size, manifest.ChunkCount, manifest.TransferId);
        await states.PublishAsync(manifest.Name, State(manifest, DeployState.Receiving) with { ChunksReceived = 0, Chunks = manifest.ChunkCount }, cancellationToken);
    }

    /// <summary>Handles chunk <paramref name="index"/> of <paramref name="transferId"/>; chunks of unknown transfers are dropped.</summary>
    public async Task OnChunkAsync(string transferId, int index, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        InboundTransfer? transfer;
        lock (_lock)
            transfer = _byTransferId.GetValueOrDefault(transferId);
        if (transfer is null)
            return;
        var manifest = transfer.Manifest;
        bool added;
        try
        {
            added = transfer.Add(index, payload.Span);
        }
        catch (DeployRefusedException e)
        {
            lock (_lock)
                _byTransferId.Remove(transferId);
            transfer.Delete();
            await ReportFailureAsync(manifest.Name, manifest.Version.Text, transferId, e, cancellationToken);
            return;
        }
        if (!added)
            return;
        if (!transfer.IsComplete)
        {
            // Progress at every tenth, not every chunk: the retained topic is for humans and dashboards.
            int tenth = Math.Max(1, manifest.ChunkCount / 10);
            if (transfer.Received % tenth == 0)
                await states.PublishAsync(manifest.Name, State(manifest, DeployState.Receiving) with { ChunksReceived = transfer.Received, Chunks = manifest.ChunkCount }, cancellationToken);
            return;
        }
        lock (_lock)
        {
            _byTransferId.Remove(transferId);
            _finishing.Add(manifest.Name);
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(Task.Run(() => FinishAsync(transfer, cancellationToken), CancellationToken.None));
        }
    }

    /// <summary>
    /// Asks again for the chunks of transfers that made no progress for <paramref name="stalledFor"/>
    /// (all unfinished ones when zero, e.g. after a reconnect): a <c>receiving</c> state with <c>missing</c>.
    /// </summary>
    public async Task RequestMissingAsync(TimeSpan stalledFor, CancellationToken cancellationToken)
    {
        List<InboundTransfer> stalled;
        lock (_lock)
            stalled = _byTransferId.Values.Where(t => !t.IsComplete && DateTimeOffset.UtcNow - t.LastProgress >= stalledFor).ToList();
        foreach (var transfer in stalled)
        {
            var manifest = transfer.Manifest;
            if (transfer.Asks >= MaxAsks)
            {
                lock (_lock)
                    _byTransferId.Remove(manifest.TransferId);
                transfer.Delete();
                await ReportFailureAsync(manifest.Name, manifest.Version.Text, manifest.TransferId, new DeployRefusedException(DeployRefusal.Truncated,
                    $"received {transfer.Received} of {manifest.ChunkCount} chunks; the sender stopped answering"), cancellationToken);
                continue;
            }
            transfer.MarkAsked();
            var missing = transfer.Missing();
            logger.LogInformation("Transfer {TransferId} of {Model} {Version} stalled: asking again for {Count} chunks", manifest.TransferId, manifest.Name, manifest.Version, missing.Length);
            await states.PublishAsync(manifest.Name, State(manifest, DeployState.Receiving) with
            {
                ChunksReceived = transfer.Received, Chunks = manifest.ChunkCount, Missing = missing,
            }, cancellationToken);
        }
    }

    /// <summary>Picks up the transfers an earlier run left unfinished (they still need the checks: the active version may have moved).</summary>
    public void ResumeTransfers()
    {
        if (!Directory.Exists(transferFolder))
            return;
        foreach (string file in Directory.EnumerateFiles(transferFolder, "*.manifest.json"))
        {
            if (InboundTransfer.Resume(file) is not { } transfer)
                continue;
            try
            {
                checks.BeforeTransfer(transfer.Manifest, registry.Get(transfer.Manifest.Name)?.Version);
            }
            catch (DeployRefusedException e)
            {
                logger.LogInformation("Unfinished transfer {TransferId} dropped: {Reason}", transfer.Manifest.TransferId, e.Message);
                transfer.Delete();
                continue;
            }
            logger.LogInformation("Resuming transfer {TransferId} of {Model} {Version}: {Received}/{Chunks} chunks on disk",
                transfer.Manifest.TransferId, transfer.Manifest.Name, transfer.Manifest.Version, transfer.Received, transfer.Manifest.ChunkCount);
            lock (_lock)
                _byTransferId[transfer.Manifest.TransferId] = transfer;
        }
    }

    /// <summary>Closes the files of unfinished transfers (they stay on disk to be resumed).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var transfer in _byTransferId.Values)
                transfer.Dispose();
            _byTransferId.Clear();
        }
    }

    /// <summary>Waits for deploys being applied (used at shutdown and by tests).</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
            return Task.WhenAll(_running.ToArray());
    }

    /// <summary>Installs from the store or from a seed file without a manifest (agent start).</summary>
    public LoadedModel Activate(string name, ModelVersion version, string modelPath)
    {
        var model = new LoadedModel(name, version, sessions.Create(modelPath));
        registry.Swap(model);
        return model;
    }

    /// <summary>Makes the store's previous version live again; throws <see cref="DeployRefusedException"/> when there is none.</summary>
    /// <returns>The version now active.</returns>
    public async Task<string> RollbackAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_finishing.Add(name))
                throw new DeployRefusedException(DeployRefusal.Busy, $"a deploy of '{name}' is being applied; try again when it is done");
        }
        string current, previous;
        try
        {
            current = registry.Get(name)?.Version.Text ?? throw new DeployRefusedException(DeployRefusal.NoPrevious, $"no model named '{name}' is active");
            previous = store.Previous(name) ?? throw new DeployRefusedException(DeployRefusal.NoPrevious, $"the store keeps no version of '{name}' older than {current}");
            registry.Swap(new LoadedModel(name, ModelVersion.Parse(previous), Load(store.ModelPath(name, previous))));
            store.SetCurrent(name, previous);
        }
        finally
        {
            lock (_lock)
                _finishing.Remove(name);
        }
        logger.LogInformation("{Model} rolled back from {From} to {To}", name, current, previous);
        await states.PublishAsync(name, new DeployState { State = DeployState.RolledBack, Version = previous, ActiveVersion = previous, Message = $"rolled back from {current}" }, cancellationToken);
        return previous;
    }

    private async Task FinishAsync(InboundTransfer transfer, CancellationToken cancellationToken)
    {
        var manifest = transfer.Manifest;
        string name = manifest.Name, version = manifest.Version.Text;
        bool installed = false;
        string? quantizedSummary = null;
        DistillationFigures? distillation = null;
        DeployRefusedException? refusal = null;
        try
        {
            await states.PublishAsync(name, State(manifest, DeployState.Verifying), cancellationToken);
            var (sha256, size) = transfer.Digest();
            DeployChecks.AfterTransfer(manifest, size, sha256);
            string path;
            if (manifest.Quantize is { } quantize)
            {
                await states.PublishAsync(name, State(manifest, DeployState.Quantizing) with { Message = quantize.Describe() }, cancellationToken);
                var (model, result) = quantize.Apply(transfer.DataPath, transfer.DataPath + ".calibration");
                quantizedSummary = $"quantized on arrival ({quantize.Describe()}): {result.QuantizedCount} nodes int8, {result.FloatCount} float, {result.SizeBefore:N0} → {result.SizeAfter:N0} bytes";
                logger.LogInformation("{Model} {Version}: {Summary}", name, version, quantizedSummary);
                path = store.Install(name, version, model, manifest.Json);
            }
            else
            {
                transfer.FlushToDisk();
                path = store.InstallByMove(name, version, transfer.DataPath, manifest.Json);
            }
            installed = true;
            await states.PublishAsync(name, State(manifest, DeployState.Loading), cancellationToken);
            var session = Load(path);
            try
            {
                manifest.Validation?.Check(session);
                if (manifest.Distillation?.Check(session, registry) is { } metrics)
                {
                    distillation = DistillationFigures.From(metrics);
                    logger.LogInformation("{Model} {Version} passed the distillation gate: {Figures}", name, version, DistillationCheck.Describe(metrics));
                }
            }
            catch
            {
                session.Dispose();
                throw;
            }
            // Swap first, then move the pointer: a kill between the two restarts on the old version, never on a broken one.
            registry.Swap(new LoadedModel(name, manifest.Version, session) { Distillation = distillation });
            store.SetCurrent(name, version);
            logger.LogInformation("{Model} {Version} is active", name, version);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong, the sender hears why: a deploy never ends in silence.
            if (installed && store.GetCurrent(name) != version)
                store.Discard(name, version);
            refusal = e as DeployRefusedException ?? new DeployRefusedException(DeployRefusal.Internal, e.Message);
        }
        finally
        {
            transfer.Delete();
            // Before the final state goes out: a sender that pushes again as soon as it reads it must not be told "busy".
            lock (_lock)
                _finishing.Remove(name);
        }
        if (refusal is null)
            await states.PublishAsync(name, State(manifest, DeployState.Active) with { Message = quantizedSummary, Distillation = distillation }, cancellationToken);
        else
            await ReportFailureAsync(name, version, manifest.TransferId, refusal, cancellationToken);
    }

    private Runtime.Sessions.InferenceSession Load(string path)
    {
        try
        {
            return sessions.Create(path);
        }
        catch (Exception e) when (e is ModelException or OnnxFormatException)
        {
            throw new DeployRefusedException(DeployRefusal.InvalidModel, e.Message);
        }
    }

    private async Task ReportFailureAsync(string name, string version, string? transferId, DeployRefusedException e, CancellationToken cancellationToken)
    {
        logger.LogWarning("Deploy of {Model} {Version} refused ({Reason}): {Message}", name, version, e.Reason, e.Message);
        var state = new DeployState
        {
            State = DeployState.Failed, Version = version, TransferId = transferId, ActiveVersion = registry.Get(name)?.Version.Text,
            Reason = e.Reason, Message = e.Message,
        };
        await states.PublishAsync(name, state, cancellationToken);
    }

    private DeployState State(DeployManifest manifest, string state) => new()
    {
        State = state, Version = manifest.Version.Text, TransferId = manifest.TransferId, ActiveVersion = registry.Get(manifest.Name)?.Version.Text,
    };

    private static string TryReadVersion(ReadOnlyMemory<byte> payload) => TryRead(payload, "version") ?? "?";

    private static string? TryReadTransferId(ReadOnlyMemory<byte> payload) => TryRead(payload, "transferId");

    private static string? TryRead(ReadOnlyMemory<byte> payload, string field)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(payload.Span)?[field]?.GetValue<string>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}

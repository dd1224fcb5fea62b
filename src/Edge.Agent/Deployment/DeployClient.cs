using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Edge.Agent.Mqtt;

namespace Edge.Agent.Deployment;

/// <summary>
/// The sender's side of a deploy (<c>edge push</c>): announce the manifest, wait until the device is
/// receiving this transfer, send the chunks, wait until it reports active or failed.
/// </summary>
public sealed class DeployClient(MqttClientSession mqtt, Topics topics)
{
    /// <summary>
    /// Chunk size when the broker states no packet limit: large enough that per-message costs stay small
    /// against the bytes (a 50 MB push is 200 messages), small enough that a broker holding whole
    /// messages in memory (MQTTnet's) and a resume after an outage stay cheap.
    /// </summary>
    public const int DefaultChunkSize = 256 * 1024;

    /// <summary>Called with (chunks sent, chunks total).</summary>
    public Action<int, int>? Progress { get; init; }

    /// <summary>Pushes <paramref name="model"/>; <paramref name="signingKey"/> null sends it unsigned.</summary>
    /// <param name="validation">A <see cref="ValidationSet.Pack"/> object the device must pass before swapping, or null.</param>
    /// <param name="distillation">A <see cref="DistillationCheck.Pack"/> object: the gate the model must pass; or null.</param>
    /// <param name="quantize">A <see cref="QuantizeOnArrival.Pack"/> object: the device quantizes the model before validating it; or null.</param>
    public async Task<PushResult> PushAsync(string name, string version, ReadOnlyMemory<byte> model, ECDsa? signingKey, bool force, TimeSpan timeout, CancellationToken cancellationToken, JsonObject? validation = null, JsonObject? quantize = null, JsonObject? distillation = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var token = deadline.Token;
        int chunkSize = ChunkSize(mqtt.MaximumPacketSize);
        string transferId = Guid.NewGuid().ToString("N");
        var manifest = DeployManifest.Create(name, version, Convert.ToHexStringLower(SHA256.HashData(model.Span)), model.Length, transferId, chunkSize, force);
        if (validation is not null)
            manifest["validation"] = validation;
        if (quantize is not null)
            manifest["quantize"] = quantize;
        if (distillation is not null)
            manifest["distillation"] = distillation;
        if (signingKey is not null)
            ManifestSigner.Sign(manifest, signingKey);

        await mqtt.SubscribeAsync(topics.State(name), token);
        byte[] announcement = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        // The client does not enforce the broker's limit; the broker would just disconnect.
        if (mqtt.MaximumPacketSize > 0 && announcement.Length + 1024 > mqtt.MaximumPacketSize)
            throw new MqttSessionException($"the manifest is {announcement.Length} bytes (validation set included); the broker takes packets of at most {mqtt.MaximumPacketSize}: use fewer validation samples");
        int chunks = (int)((model.Length + chunkSize - 1) / chunkSize);
        try
        {
            await Resilient(() => mqtt.PublishAsync(MqttClientSettings.Message(topics.Deploy(name), announcement).Build(), token), token);
            var first = await NextStateAsync(transferId, token);
            if (first.State != DeployState.Receiving)
                return new PushResult(first);
            if (!await SendWindowedAsync(chunks, TrySendAsync, token))
            {
                // The broker went away: reconnect and announce the same transfer again; the device answers with what it misses.
                await mqtt.ReconnectAsync(token);
                await Resilient(() => mqtt.PublishAsync(MqttClientSettings.Message(topics.Deploy(name), announcement).Build(), token), token);
            }
            while (true)
            {
                var state = await NextStateOrOutageAsync(transferId, token);
                if (state is null)
                {
                    // No word and no connection: the broker went away after the chunks were sent.
                    await mqtt.ReconnectAsync(token);
                    await Resilient(() => mqtt.PublishAsync(MqttClientSettings.Message(topics.Deploy(name), announcement).Build(), token), token);
                    continue;
                }
                if (state.State is DeployState.Active or DeployState.Failed)
                    return new PushResult(state);
                // The device lost chunks (a broker outage, a dropped message): send them again.
                foreach (int i in state.Missing ?? [])
                    if (i >= 0 && i < chunks && !await TrySendAsync(i, token))
                    {
                        await mqtt.ReconnectAsync(token);
                        await Resilient(() => mqtt.PublishAsync(MqttClientSettings.Message(topics.Deploy(name), announcement).Build(), token), token);
                        break;
                    }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the device did not report {name} {version} active or failed within {timeout.TotalSeconds:F0} s");
        }

        async Task<bool> TrySendAsync(int i, CancellationToken ct)
        {
            var chunk = model.Slice(i * chunkSize, Math.Min(chunkSize, model.Length - i * chunkSize));
            try
            {
                await mqtt.PublishAsync(MqttClientSettings.Message(topics.Transfer(transferId, i), chunk).Build(), ct);
                return true;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Publishes chunks 0..count-1 with up to <see cref="MqttClientSession.SendWindow"/> awaiting their
    /// PUBACK at once: one at a time, every chunk would pay a broker round trip and a push would reach
    /// about half the throughput of a raw publish. False as soon as one send fails (the rest are left to
    /// the device's missing-chunk report).
    /// </summary>
    private async Task<bool> SendWindowedAsync(int count, Func<int, CancellationToken, Task<bool>> send, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Task<bool>>();
        int acknowledged = 0;
        bool ok = true;
        for (int i = 0; i < count && ok; i++)
        {
            if (inFlight.Count == mqtt.SendWindow)
                ok = await Acknowledged();
            if (ok)
                inFlight.Enqueue(send(i, cancellationToken));
        }
        while (inFlight.Count > 0)
            ok &= await Acknowledged();
        return ok;

        async Task<bool> Acknowledged()
        {
            bool sent = await inFlight.Dequeue();
            if (sent)
                Progress?.Invoke(++acknowledged, count);
            return sent;
        }
    }

    /// <summary>Runs a publish, reconnecting as often as needed until the deadline.</summary>
    private async Task Resilient(Func<Task> publish, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await publish();
                return;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                await mqtt.ReconnectAsync(cancellationToken);
            }
        }
    }

    /// <summary>Chunks sized from the broker's advertised limit (the client does not enforce it: the broker would disconnect us).</summary>
    public static int ChunkSize(uint maximumPacketSize)
        => maximumPacketSize == 0 ? DefaultChunkSize : (int)Math.Min(DefaultChunkSize, maximumPacketSize - 1024);

    /// <summary>The next state, or null when none came for a while and the connection is down.</summary>
    private async Task<DeployState?> NextStateOrOutageAsync(string transferId, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quiet.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                return await NextStateAsync(transferId, quiet.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!mqtt.IsConnected)
                    return null;
            }
        }
    }

    private async Task<DeployState> NextStateAsync(string transferId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await mqtt.Messages.ReadAsync(cancellationToken);
            // Retained states of earlier deploys arrive first on subscribe: only this transfer counts.
            if (DeployState.Parse(message.Payload.IsSingleSegment ? message.Payload.FirstSpan : System.Buffers.BuffersExtensions.ToArray(message.Payload)) is { } state
                && state.TransferId == transferId && state.State is not (DeployState.Verifying or DeployState.Quantizing or DeployState.Loading)
                && !(state.State == DeployState.Receiving && state.ChunksReceived > 0 && state.Missing is null))
                return state;
        }
    }
}

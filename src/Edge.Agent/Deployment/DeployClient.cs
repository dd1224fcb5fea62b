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
    /// <summary>Default chunk: fits brokers with a 128 KB packet limit with room for the header.</summary>
    public const int DefaultChunkSize = 120 * 1024;

    /// <summary>Called with (chunks sent, chunks total).</summary>
    public Action<int, int>? Progress { get; init; }

    /// <summary>Pushes <paramref name="model"/>; <paramref name="signingKey"/> null sends it unsigned.</summary>
    public async Task<PushResult> PushAsync(string name, string version, ReadOnlyMemory<byte> model, ECDsa? signingKey, bool force, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var token = deadline.Token;
        int chunkSize = ChunkSize(mqtt.MaximumPacketSize);
        string transferId = Guid.NewGuid().ToString("N");
        var manifest = DeployManifest.Create(name, version, Convert.ToHexStringLower(SHA256.HashData(model.Span)), model.Length, transferId, chunkSize, force);
        if (signingKey is not null)
            ManifestSigner.Sign(manifest, signingKey);

        await mqtt.SubscribeAsync(topics.State(name), token);
        await mqtt.PublishAsync(MqttClientSettings.Message(topics.Deploy(name), System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString())).Build(), token);
        try
        {
            var first = await NextStateAsync(transferId, token);
            if (first.State != DeployState.Receiving)
                return new PushResult(first);
            int chunks = (int)((model.Length + chunkSize - 1) / chunkSize);
            for (int i = 0; i < chunks; i++)
            {
                var chunk = model.Slice(i * chunkSize, Math.Min(chunkSize, model.Length - i * chunkSize));
                await mqtt.PublishAsync(MqttClientSettings.Message(topics.Transfer(transferId, i), chunk).Build(), token);
                Progress?.Invoke(i + 1, chunks);
            }
            while (true)
            {
                var state = await NextStateAsync(transferId, token);
                if (state.State is DeployState.Active or DeployState.Failed)
                    return new PushResult(state);
                // The device lost chunks (a broker outage, a dropped message): send them again.
                foreach (int i in state.Missing ?? [])
                {
                    if (i < 0 || i >= chunks)
                        continue;
                    var chunk = model.Slice(i * chunkSize, Math.Min(chunkSize, model.Length - i * chunkSize));
                    await mqtt.PublishAsync(MqttClientSettings.Message(topics.Transfer(transferId, i), chunk).Build(), token);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the device did not report {name} {version} active or failed within {timeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Chunks sized from the broker's advertised limit (the client does not enforce it: the broker would disconnect us).</summary>
    public static int ChunkSize(uint maximumPacketSize)
        => maximumPacketSize == 0 ? DefaultChunkSize : (int)Math.Min(DefaultChunkSize, maximumPacketSize - 1024);

    private async Task<DeployState> NextStateAsync(string transferId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await mqtt.Messages.ReadAsync(cancellationToken);
            // Retained states of earlier deploys arrive first on subscribe: only this transfer counts.
            if (DeployState.Parse(message.Payload.IsSingleSegment ? message.Payload.FirstSpan : System.Buffers.BuffersExtensions.ToArray(message.Payload)) is { } state
                && state.TransferId == transferId && state.State != DeployState.Verifying && state.State != DeployState.Loading
                && !(state.State == DeployState.Receiving && state.ChunksReceived > 0 && state.Missing is null))
                return state;
        }
    }
}

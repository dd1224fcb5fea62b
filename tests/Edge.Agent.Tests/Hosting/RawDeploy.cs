using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Agent.Deployment;
using Edge.Agent.Mqtt;

namespace Edge.Agent.Tests.Hosting;

/// <summary>Speaks the deploy protocol by hand (PROTOCOL.md), so tests can send what a correct client never would.</summary>
internal static class RawDeploy
{
    /// <summary>Publishes <paramref name="manifest"/>, then (if the device starts receiving) <paramref name="chunks"/>; returns the final state.</summary>
    /// <param name="withhold">Chunks left out of the first pass (sent only when the device asks for them).</param>
    public static async Task<DeployState> RunAsync(TestAgent agent, JsonObject manifest, IReadOnlyList<byte[]> chunks, ICollection<int>? withhold = null, List<int[]>? asked = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        string name = manifest["name"]!.GetValue<string>();
        string transferId = manifest["transferId"]!.GetValue<string>();
        await agent.Client.SubscribeAsync(agent.Topics.State(name), timeout.Token);
        await agent.Client.PublishAsync(MqttClientSettings.Message(agent.Topics.Deploy(name), Encoding.UTF8.GetBytes(manifest.ToJsonString())).Build(), timeout.Token);
        bool sent = false;
        while (true)
        {
            var message = await agent.Client.Messages.ReadAsync(timeout.Token);
            if (message.Topic != agent.Topics.State(name) || DeployState.Parse(message.Payload.ToArray()) is not { } state || state.TransferId != transferId)
                continue;
            if (state.State is DeployState.Active or DeployState.Failed)
                return state;
            if (state.State == DeployState.Receiving && !sent)
            {
                sent = true;
                for (int i = 0; i < chunks.Count; i++)
                    if (withhold?.Contains(i) != true)
                        await agent.Client.PublishAsync(MqttClientSettings.Message(agent.Topics.Transfer(transferId, i), chunks[i]).Build(), timeout.Token);
            }
            else if (state.Missing is { } missing)
            {
                asked?.Add(missing);
                foreach (int i in missing)
                    await agent.Client.PublishAsync(MqttClientSettings.Message(agent.Topics.Transfer(transferId, i), chunks[i]).Build(), timeout.Token);
            }
        }
    }

    public static JsonObject Manifest(string version, byte[] model, int chunkSize)
        => DeployManifest.Create("digits", version, Convert.ToHexStringLower(SHA256.HashData(model)), model.Length, Guid.NewGuid().ToString("N"), chunkSize);

    public static List<byte[]> Chunks(byte[] model, int chunkSize)
        => model.Chunk(chunkSize).ToList();
}

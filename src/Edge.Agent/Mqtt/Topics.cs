namespace Edge.Agent.Mqtt;

/// <summary>The topic tree of one device: <c>edge/v1/{deviceId}/…</c> (PROTOCOL.md).</summary>
public sealed class Topics(string deviceId)
{
    public string Root { get; } = $"edge/v1/{deviceId}";

    public string Status => $"{Root}/status";

    public string Telemetry => $"{Root}/telemetry";

    public string Deploy(string model) => $"{Root}/models/{model}/deploy";

    public string State(string model) => $"{Root}/models/{model}/state";

    public string Transfer(string transferId, int index) => $"{Root}/transfer/{transferId}/{index}";

    public string Infer(string model) => $"{Root}/infer/{model}";

    public string DeployFilter => $"{Root}/models/+/deploy";

    public string TransferFilter => $"{Root}/transfer/+/+";

    public string InferFilter => $"{Root}/infer/+";

    public string CommandFilter => $"{Root}/cmd/+";

    /// <summary>The levels of <paramref name="topic"/> below the device root, or null when it is not this device's.</summary>
    public string[]? Relative(string topic)
        => topic.StartsWith(Root + "/", StringComparison.Ordinal) ? topic[(Root.Length + 1)..].Split('/') : null;
}

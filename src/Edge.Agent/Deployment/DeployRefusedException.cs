namespace Edge.Agent.Deployment;

/// <summary>A deploy the agent will not apply; <see cref="Reason"/> is a <see cref="DeployRefusal"/> code.</summary>
public sealed class DeployRefusedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;

    /// <summary>An invalid-manifest refusal naming the field, e.g. "manifest quantize.mode: …".</summary>
    internal static DeployRefusedException InvalidManifest(string field, string problem)
        => new(DeployRefusal.InvalidManifest, $"manifest {field}: {problem}");
}

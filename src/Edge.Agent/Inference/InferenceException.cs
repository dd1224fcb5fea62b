namespace Edge.Agent.Inference;

/// <summary>A request that gets an error reply; <see cref="Code"/> is machine-readable (PROTOCOL.md).</summary>
public sealed class InferenceException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

namespace Edge.Agent.Deployment;

/// <summary>The reason codes a refused deploy reports on <c>models/{name}/state</c>.</summary>
public static class DeployRefusal
{
    public const string InvalidManifest = "invalid-manifest";
    public const string Unsigned = "unsigned";
    public const string UntrustedKey = "untrusted-key";
    public const string BadSignature = "bad-signature";
    public const string TooLarge = "too-large";
    public const string NotNewer = "not-newer";
    public const string Truncated = "truncated";
    public const string HashMismatch = "hash-mismatch";
    public const string InvalidModel = "invalid-model";
    public const string ValidationFailed = "validation-failed";
    public const string DistillationGate = "distillation-gate";
    public const string Busy = "busy";
    public const string NoPrevious = "no-previous";
    public const string Internal = "internal";
}

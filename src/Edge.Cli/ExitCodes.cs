namespace Edge.Cli;

/// <summary>What the edge command's exit status means.</summary>
public static class ExitCodes
{
    /// <summary>Done, and (for checks) everything matched.</summary>
    public const int Success = 0;

    /// <summary>A check ran and failed: an output mismatch, a kernel variant that differs.</summary>
    public const int Mismatch = 1;

    /// <summary>The command could not do its work: bad arguments, a bad model or input.</summary>
    public const int Error = 2;

    /// <summary>The device answered no: a push it refused (its reason on stderr), an inference error reply.</summary>
    public const int Refused = 3;
}

namespace Edge.Cli;

/// <summary>A user error the CLI reports as one line and exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);

namespace Edge.Agent.Configuration;

/// <summary>A configuration that cannot be used; the message names the offending field.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string field, string problem) : base($"{field}: {problem}") => Field = field;

    /// <summary>The JSON path of the field, e.g. <c>limits.maxModelBytes</c>.</summary>
    public string Field { get; }

    /// <summary>The same error prefixed with the file it came from.</summary>
    public ConfigurationException InFile(string file) => new(Field, Message[(Field.Length + 2)..], file);

    private ConfigurationException(string field, string problem, string file) : base($"{file}: {field}: {problem}") => Field = field;
}

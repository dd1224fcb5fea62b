namespace Edge.Agent.Configuration;

/// <summary>Where the agent's MQTT broker is: <c>embedded</c> (in-process, loopback) or an <c>mqtt://</c>/<c>mqtts://</c> URL.</summary>
public sealed record BrokerConfig
{
    /// <summary>The default port of the embedded broker.</summary>
    public const int DefaultEmbeddedPort = 1883;

    public required Uri Url { get; init; }

    /// <summary>True when the agent itself runs the broker on loopback.</summary>
    public bool IsEmbedded => Url.Scheme == "embedded";

    public bool UseTls => Url.Scheme == "mqtts";

    /// <summary>PEM file of the CA that signed the broker's certificate (mqtts only).</summary>
    public string? CaFile { get; init; }

    /// <summary>File with <c>username:password</c> on its first line.</summary>
    public string? CredentialsFile { get; init; }

    public string Host => IsEmbedded ? "127.0.0.1" : Url.Host;

    public int Port => Url.IsDefaultPort || Url.Port < 0
        ? (IsEmbedded ? DefaultEmbeddedPort : UseTls ? 8883 : 1883)
        : Url.Port;

    /// <summary>Parses <c>embedded</c>, <c>embedded://127.0.0.1:PORT</c>, <c>mqtt://HOST[:PORT]</c> or <c>mqtts://HOST[:PORT]</c>.</summary>
    public static Uri ParseUrl(string text, string field)
    {
        if (text == "embedded")
            return new Uri($"embedded://127.0.0.1:{DefaultEmbeddedPort}");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts" or "embedded") || uri.Host.Length == 0)
            throw new ConfigurationException(field, $"expected \"embedded\", mqtt://HOST[:PORT] or mqtts://HOST[:PORT], got '{text}'");
        if (uri.Scheme == "embedded" && !uri.IsLoopback)
            throw new ConfigurationException(field, $"the embedded broker listens on loopback only, got '{text}'");
        return uri;
    }
}

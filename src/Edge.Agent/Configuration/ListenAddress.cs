using System.Globalization;
using System.Net;

namespace Edge.Agent.Configuration;

/// <summary>A <c>HOST:PORT</c> to serve HTTP on (<c>--metrics-listen</c>, <c>metricsListen</c>); host <c>0.0.0.0</c> or <c>*</c> means every interface.</summary>
public sealed record ListenAddress(string Host, int Port)
{
    /// <summary>True when the host is every interface rather than one address or name.</summary>
    public bool IsAnyHost => Host is "0.0.0.0" or "*" or "+" or "[::]";

    /// <summary>Parses <c>HOST:PORT</c> (IPv6 in brackets); throws <see cref="ConfigurationException"/> naming <paramref name="field"/>.</summary>
    public static ListenAddress Parse(string text, string field)
    {
        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon] : "";
        bool hostOk = host is "*" or "+" || IPAddress.TryParse(host.Trim('[', ']'), out _) || Uri.CheckHostName(host) == UriHostNameType.Dns;
        if (colon <= 0 || !hostOk || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ConfigurationException(field, $"expected HOST:PORT (e.g. 127.0.0.1:9464, 0.0.0.0:9464 for every interface), got '{text}'");
        return new ListenAddress(host, port);
    }

    public override string ToString() => $"{Host}:{Port}";
}

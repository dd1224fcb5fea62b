using System.Security.Cryptography.X509Certificates;
using Edge.Agent.Configuration;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Edge.Agent.Mqtt;

/// <summary>Builds MQTTnet client options the way every Edge client needs them: MQTT 5, a 1 MB TCP buffer, TLS and credentials from the broker config.</summary>
public static class MqttClientSettings
{
    /// <summary>MQTTnet's default 8 KB socket buffer caps transfers near 2 MB/s; 1 MB gives ~100 MB/s on loopback.</summary>
    public const int TcpBufferSize = 1 << 20;

    public static MqttClientOptionsBuilder Builder(BrokerConfig broker, string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
        if (broker.UseTls)
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (broker.CaFile is not null)
                {
                    var chain = new X509Certificate2Collection();
                    chain.ImportFromPemFile(broker.CaFile);
                    tls.WithTrustChain(chain);
                }
            });
        if (broker.CredentialsFile is not null)
        {
            string line = File.ReadLines(broker.CredentialsFile).FirstOrDefault() ?? "";
            int colon = line.IndexOf(':');
            if (colon <= 0)
                throw new ConfigurationException("broker.credentialsFile", $"{broker.CredentialsFile}: expected username:password on the first line");
            builder.WithCredentials(line[..colon], line[(colon + 1)..]);
        }
        return builder;
    }

    /// <summary>Sets the socket buffer on built options (the builder does not expose it).</summary>
    public static MqttClientOptions WithLargeBuffers(this MqttClientOptions options)
    {
        if (options.ChannelOptions is MqttClientTcpOptions tcp)
            tcp.BufferSize = TcpBufferSize;
        options.WriterBufferSize = TcpBufferSize;
        return options;
    }

    /// <summary>A QoS 1 message.</summary>
    public static MqttApplicationMessageBuilder Message(string topic, ReadOnlyMemory<byte> payload, bool retain = false)
        => new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(new System.Buffers.ReadOnlySequence<byte>(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain);
}

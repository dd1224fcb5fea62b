using System.CommandLine;
using Edge.Agent.Configuration;

namespace Edge.Cli;

/// <summary>The options by which the MQTT client commands (push, infer) find a device.</summary>
public sealed class BrokerOptions
{
    public Option<string> Broker { get; } = new("--broker") { Description = "mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (default mqtt://127.0.0.1:1883, the local-dev agent's embedded broker).", DefaultValueFactory = _ => "mqtt://127.0.0.1:1883" };

    public Option<string> Device { get; } = new("--device") { Description = "The device id (edge/v1/{device}/…).", DefaultValueFactory = _ => "local-dev" };

    public Option<string?> CaFile { get; } = new("--ca-file") { Description = "PEM CA of the broker's certificate (mqtts)." };

    public Option<string?> CredentialsFile { get; } = new("--credentials-file") { Description = "File with username:password on its first line." };

    public Option<int> Timeout { get; } = new("--timeout") { Description = "Seconds to wait for the device.", DefaultValueFactory = _ => 60 };

    public void AddTo(Command command)
    {
        command.Options.Add(Broker);
        command.Options.Add(Device);
        command.Options.Add(CaFile);
        command.Options.Add(CredentialsFile);
        command.Options.Add(Timeout);
    }

    public BrokerConfig ToConfig(ParseResult parse)
    {
        var url = BrokerConfig.ParseUrl(parse.GetValue(Broker)!, "--broker");
        if (url.Scheme == "embedded")
            throw new CliException("--broker: clients connect with mqtt://HOST:PORT; \"embedded\" is for the agent");
        foreach (var option in new[] { CaFile, CredentialsFile })
            if (parse.GetValue(option) is { } file && !File.Exists(file))
                throw new CliException($"{option.Name}: file '{file}' not found");
        return new BrokerConfig { Url = url, CaFile = parse.GetValue(CaFile), CredentialsFile = parse.GetValue(CredentialsFile) };
    }

    public string DeviceId(ParseResult parse)
    {
        string id = parse.GetValue(Device)!;
        AgentConfigReader.CheckDeviceId(id, "--device");
        return id;
    }
}

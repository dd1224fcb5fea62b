namespace Edge.Agent.Configuration;

/// <summary>Command-line values that replace the file's (<c>--device-id</c>, <c>--broker</c>, <c>--state-dir</c>, <c>--trusted-key</c>, <c>--metrics-listen</c>).</summary>
public sealed record ConfigOverrides
{
    public string? DeviceId { get; init; }

    public string? Broker { get; init; }

    public string? StateDir { get; init; }

    /// <summary><c>HOST:PORT</c> to serve Prometheus metrics on.</summary>
    public string? MetricsListen { get; init; }

    /// <summary>When any are given they replace the file's list (repeatable option).</summary>
    public IReadOnlyList<string> TrustedKeys { get; init; } = [];

    /// <summary>The config with these overrides applied and checked like the file's own values.</summary>
    public AgentConfig Apply(AgentConfig config)
    {
        if (DeviceId is not null)
        {
            AgentConfigReader.CheckDeviceId(DeviceId, "--device-id");
            config = config with { DeviceId = DeviceId };
        }
        if (Broker is not null)
            config = config with { Broker = config.Broker with { Url = BrokerConfig.ParseUrl(Broker, "--broker") } };
        if (StateDir is not null)
            config = config with { StateDir = Path.GetFullPath(StateDir) };
        if (MetricsListen is not null)
            config = config with { MetricsListen = ListenAddress.Parse(MetricsListen, "--metrics-listen") };
        if (TrustedKeys.Count > 0)
        {
            foreach (string key in TrustedKeys)
                if (!File.Exists(key))
                    throw new ConfigurationException("--trusted-key", $"file '{key}' not found");
            config = config with { TrustedKeys = TrustedKeys.Select(Path.GetFullPath).ToArray() };
        }
        return config;
    }
}

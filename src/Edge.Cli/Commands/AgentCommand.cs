using System.CommandLine;
using Edge.Agent.Configuration;
using Edge.Agent.Hosting;
using Microsoft.Extensions.Hosting;

namespace Edge.Cli.Commands;

/// <summary><c>edge agent --config FILE</c>: the device agent (a systemd notify service when run by systemd).</summary>
public static class AgentCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Device config JSON (see device-configs/).", Required = true };
        var deviceId = new Option<string?>("--device-id") { Description = "Overrides the config's deviceId." };
        var broker = new Option<string?>("--broker") { Description = "Overrides the config's broker: embedded, mqtt://HOST[:PORT] or mqtts://HOST[:PORT]." };
        var stateDir = new Option<string?>("--state-dir") { Description = "Overrides the config's stateDir." };
        var trustedKeys = new Option<string[]>("--trusted-key") { Description = "A trusted public key PEM; repeatable; replaces the config's list." };
        var logJson = new Option<bool>("--log-json") { Description = "Log compact JSON lines instead of text." };
        var metricsListen = new Option<string?>("--metrics-listen") { Description = "Serve Prometheus metrics on http://HOST:PORT/metrics (e.g. 127.0.0.1:9464); overrides the config's metricsListen." };
        var command = new Command("agent", "Run the device agent: takes signed model deploys and serves inference over MQTT.")
        {
            config, deviceId, broker, stateDir, trustedKeys, logJson, metricsListen,
        };
        command.SetAction((parse, cancellationToken) => CommandGuard.RunAsync(async () =>
        {
            var overrides = new ConfigOverrides
            {
                DeviceId = parse.GetValue(deviceId), Broker = parse.GetValue(broker), StateDir = parse.GetValue(stateDir),
                TrustedKeys = parse.GetValue(trustedKeys) ?? [], MetricsListen = parse.GetValue(metricsListen),
            };
            var agentConfig = overrides.Apply(AgentConfigReader.Read(parse.GetValue(config)!));
            using var host = AgentHost.Build(agentConfig, parse.GetValue(logJson));
            await host.RunAsync(CancellationToken.None);
            return ExitCodes.Success;
        }));
        return command;
    }
}

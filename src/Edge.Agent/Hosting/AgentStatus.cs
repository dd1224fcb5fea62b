using System.Reflection;
using System.Text.Json;
using Edge.Agent.Inference;

namespace Edge.Agent.Hosting;

/// <summary>The retained payload of <c>status</c> (PROTOCOL.md); the offline form is also the last will.</summary>
public static class AgentStatus
{
    public static string AgentVersion { get; } =
        typeof(AgentStatus).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    public static byte[] Online(string deviceId, string backend, ModelRegistry registry) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        state = "online",
        deviceId,
        agentVersion = AgentVersion,
        backends = new[] { backend },
        models = registry.Active.Select(m => new { name = m.Name, version = m.Version.Text }).ToArray(),
        time = DateTimeOffset.UtcNow,
    });

    public static byte[] Offline(string deviceId) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        state = "offline",
        deviceId,
        agentVersion = AgentVersion,
    });
}

using Edge.Runtime.Backends;
using Edge.Runtime.Ilgpu;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Hosting;

/// <summary>
/// Turns the device config's backend preference list into execution backends: each GPU backend that
/// can start is used in that order, one that cannot is skipped with a warning that says why, and the
/// CPU backend (always last in the planner) takes whatever they do not claim.
/// </summary>
internal static class DeviceBackends
{
    /// <summary>The backends to hand to sessions, in preference order, up to the first "cpu".</summary>
    public static List<ExecutionBackend> Create(IReadOnlyList<string> preference, ILogger logger)
    {
        var backends = new List<ExecutionBackend>();
        foreach (string name in preference.TakeWhile(n => n != "cpu"))
        {
            // Kept out of line: a CPU-only device never loads ILGPU.
            var backend = TryCreate(name, out string reason);
            if (backend is null)
            {
                logger.LogWarning("Backend {Backend} is not available ({Reason}); trying the next one in the preference list", name, reason);
                continue;
            }
            logger.LogInformation("Backend {Backend}: {Description}", name, backend.Description);
            backends.Add(backend);
        }
        return backends;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ExecutionBackend? TryCreate(string name, out string reason) => IlgpuDevices.TryCreateBackend(name, out reason);
}

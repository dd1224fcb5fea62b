using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Edge.Agent.Tests.Mqtt;

/// <summary>
/// A real mosquitto (Debian's package) on 127.0.0.1 with a free port, from a generated config in a
/// temp folder; stopped by its PID. Run as root, mosquitto drops to user <c>mosquitto</c> and then
/// cannot write a root-owned log folder, exiting silently: the config keeps it as root instead.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/mosquitto";
    private readonly TempFolder _folder = new();
    private Process? _process;

    public int Port { get; private set; }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public string Log => File.Exists(_folder.File("mosquitto.log")) ? File.ReadAllText(_folder.File("mosquitto.log")) : "(no log)";

    /// <summary>Extra config lines (TLS, password file, ACL); files they name go in <see cref="Folder"/>.</summary>
    private string[] _extra = [];

    /// <summary>The broker's private folder (config, log, and whatever a test puts there).</summary>
    public TempFolder Folder => _folder;

    public static async Task<MosquittoBroker> StartAsync(Func<TempFolder, string[]>? extraConfig = null)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install Debian's mosquitto package (.ci/run does)");
        var broker = new MosquittoBroker();
        try
        {
            broker._extra = extraConfig?.Invoke(broker._folder) ?? [];
            await broker.StartProcessAsync(FreePort());
            return broker;
        }
        catch
        {
            await broker.DisposeAsync(); // a broker that started too slowly must not outlive the test
            throw;
        }
    }

    private static readonly HashSet<int> Handed = [];

    /// <summary>
    /// A bindable loopback port below Linux's ephemeral range (32768+): a port from bind(0) can be
    /// taken by any outgoing connection before the broker binds it. Never the same port twice per run.
    /// </summary>
    public static int FreePort()
    {
        lock (Handed)
        {
            while (true)
            {
                int port = Random.Shared.Next(20000, 32000);
                if (!Handed.Add(port))
                    continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // in use: try another
                }
            }
        }
    }

    private async Task StartProcessAsync(int port)
    {
        Port = port;
        string config = _folder.File("mosquitto.conf");
        File.WriteAllText(config, string.Join('\n',
            $"listener {port} 127.0.0.1",
            _extra.Any(l => l.StartsWith("allow_anonymous", StringComparison.Ordinal)) ? "" : "allow_anonymous true",
            "persistence false",
            $"log_dest file {_folder.File("mosquitto.log")}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            Environment.UserName == "root" ? "user root" : "",
            string.Join('\n', _extra),
            ""));
        _process = Process.Start(new ProcessStartInfo(Executable, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {Log}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        throw new TimeoutException($"mosquitto did not listen on {port} within 20 s: {Log}");
    }

    /// <summary>Kills the broker (by PID) and starts a fresh one on the same port: an outage that loses all sessions and retained messages.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        await StopProcessAsync();
        await Task.Delay(downtime);
        await StartProcessAsync(Port);
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        _folder.Dispose();
    }

    private async Task StopProcessAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }
}

using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Edge.Agent.Hosting;

/// <summary>
/// sd_notify over <c>$NOTIFY_SOCKET</c>: READY=1 once the agent serves, WATCHDOG=1 at half of
/// <c>$WATCHDOG_USEC</c>, STOPPING=1 on shutdown. The Generic Host's systemd lifetime sends READY and
/// STOPPING only under a systemd parent and never pings the watchdog, hence this (a repeated
/// READY=1 is harmless).
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;
    private Timer? _watchdog;

    public SystemdNotifier(Func<string, string?> environment)
    {
        string? path = environment("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
            return;
        // A leading '@' names a socket in the abstract namespace.
        _endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (long.TryParse(environment("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0)
            WatchdogInterval = TimeSpan.FromMicroseconds(usec / 2.0);
    }

    public bool IsEnabled => _socket is not null;

    /// <summary>Half the watchdog timeout systemd set, or null when it set none.</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>READY=1, then watchdog pings while <paramref name="healthy"/> says so.</summary>
    public void Ready(Func<bool> healthy)
    {
        Send("READY=1");
        if (WatchdogInterval is { } interval)
            _watchdog = new Timer(_ => { if (healthy()) Send("WATCHDOG=1"); }, null, interval, interval);
    }

    public void Stopping()
    {
        _watchdog?.Dispose();
        _watchdog = null;
        Send("STOPPING=1");
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        _socket?.Dispose();
    }

    private void Send(string state)
    {
        if (_socket is null)
            return;
        try
        {
            _socket.SendTo(Encoding.ASCII.GetBytes(state), _endpoint!);
        }
        catch (SocketException)
        {
            // The manager went away; nothing useful to do about it.
        }
    }
}

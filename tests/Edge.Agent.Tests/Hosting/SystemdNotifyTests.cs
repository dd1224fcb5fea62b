using System.Net.Sockets;
using System.Text;
using Edge.Agent.Tests.Mqtt;

namespace Edge.Agent.Tests.Hosting;

/// <summary>systemd without systemd: the test owns the NOTIFY_SOCKET datagram socket.</summary>
public class SystemdNotifyTests
{
    [Fact]
    public async Task The_agent_sends_ready_then_watchdog_pings_then_stopping_on_sigterm()
    {
        using var temp = new TempFolder();
        string socketPath = temp.File("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        int port = MosquittoBroker.FreePort();
        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath, ["WATCHDOG_USEC"] = "300000" };
        using var agent = EdgeProcess.Start(environment, "agent", "--config", Path.Combine(RepoFiles.DeviceConfigs, "local-dev.json"),
            "--broker", $"embedded://127.0.0.1:{port}", "--state-dir", temp.File("state"));

        Assert.Equal("READY=1", await ReceiveAsync(socket, TimeSpan.FromSeconds(20)));
        await agent.WaitForOutputAsync("online", TimeSpan.FromSeconds(2)); // ready means serving
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(socket, TimeSpan.FromSeconds(2)));
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(socket, TimeSpan.FromSeconds(2)));

        agent.Terminate();
        string message;
        do
            message = await ReceiveAsync(socket, TimeSpan.FromSeconds(10));
        while (message == "WATCHDOG=1");
        Assert.Equal("STOPPING=1", message);
        Assert.Equal(0, (await agent.WaitAsync(TimeSpan.FromSeconds(20))).ExitCode);
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[256];
        using var cancel = new CancellationTokenSource(timeout);
        int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }
}

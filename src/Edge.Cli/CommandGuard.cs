using System.Security.Cryptography;
using Edge.Agent.Configuration;
using Edge.Agent.Mqtt;
using Edge.Onnx;
using Edge.Runtime;

namespace Edge.Cli;

/// <summary>Turns the errors a user can cause into one line on stderr and exit code 2.</summary>
public static class CommandGuard
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"edge: {e.Message}");
            return ExitCodes.Error;
        }
    }

    /// <summary>The same for asynchronous commands (the agent and the MQTT clients).</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"edge: {e.Message}");
            return ExitCodes.Error;
        }
    }

    private static bool IsUserError(Exception e) => e is ModelException or OnnxFormatException or CliException or IOException or UnauthorizedAccessException
        or ConfigurationException or MqttSessionException or CryptographicException or TimeoutException or System.Net.Sockets.SocketException;
}

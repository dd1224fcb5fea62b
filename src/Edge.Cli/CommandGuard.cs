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
        catch (Exception e) when (e is ModelException or OnnxFormatException or CliException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"edge: {e.Message}");
            return ExitCodes.Error;
        }
    }
}

namespace Edge.Cli;

/// <summary>A one-line progress bar on stderr (only when stderr is a terminal, so scripts get clean output).</summary>
public static class ProgressBar
{
    private static bool _drawn;

    public static void Draw(int done, int total)
    {
        if (Console.IsErrorRedirected)
            return;
        const int width = 30;
        int filled = total == 0 ? width : done * width / total;
        Console.Error.Write($"\r[{new string('#', filled)}{new string(' ', width - filled)}] {done}/{total} chunks");
        _drawn = true;
    }

    public static void End()
    {
        if (_drawn)
            Console.Error.WriteLine();
        _drawn = false;
    }
}

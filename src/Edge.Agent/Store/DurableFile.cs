using System.Runtime.InteropServices;
using Edge.Onnx;

namespace Edge.Agent.Store;

/// <summary>
/// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the
/// target, fsync the folder. A kill at any point leaves either the old file or the new one, plus at
/// most a stray <c>*.tmp</c> that <see cref="IsTemp"/> recognises.
/// </summary>
public static partial class DurableFile
{
    private const string TempSuffix = ".tmp";

    /// <summary>True for the temp files <see cref="Write"/> leaves behind when killed.</summary>
    public static bool IsTemp(string path) => Path.GetFileName(path).StartsWith('.') && path.EndsWith(TempSuffix, StringComparison.Ordinal);

    /// <summary>Writes <paramref name="path"/> atomically with what <paramref name="write"/> puts into the stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        AtomicFile.Write(path, write);
        // The rename itself must survive a power cut too.
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        SyncFolder(folder);
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Makes a rename in <paramref name="folder"/> durable (Linux; elsewhere a no-op).</summary>
    public static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
            return;
        int fd = Open(folder, 0 /* O_RDONLY */);
        if (fd < 0)
            return; // best effort: the data itself is already fsynced
        try
        {
            Fsync(fd);
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

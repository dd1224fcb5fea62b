using System.Runtime.InteropServices;

namespace Edge.Runtime.Backends.Cpu.Jit;

/// <summary>
/// Maps generated machine code into memory that is written once, then made read+execute (never writable and
/// executable at once, so W^X kernels accept it). Linux only. Mappings live for the whole process.
/// </summary>
internal static partial class ExecutableMemory
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 2, MapAnonymous = 0x20;

    /// <summary>Whether this platform can run generated x86-64 System V code at all.</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>
    /// Copies <paramref name="code"/> into a fresh executable mapping and returns its address, or null when the
    /// OS refuses the mapping or the protection change (hardened kernels, seccomp, exhausted address space).
    /// </summary>
    public static unsafe byte* TryMap(ReadOnlySpan<byte> code)
    {
        if (!IsAvailable || code.IsEmpty)
            return null;
        nuint size = (nuint)code.Length;
        nint mapped = Mmap(0, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (mapped == -1 || mapped == 0)
            return null;
        code.CopyTo(new Span<byte>((void*)mapped, code.Length));
        if (Mprotect(mapped, size, ProtRead | ProtExec) != 0)
        {
            _ = Munmap(mapped, size);
            return null;
        }
        return (byte*)mapped;
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);
}

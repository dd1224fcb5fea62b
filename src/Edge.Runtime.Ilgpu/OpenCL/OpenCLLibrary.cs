using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;

namespace Edge.Runtime.Ilgpu.OpenCL;

/// <summary>
/// ILGPU binds the library name "OpenCL", which only the -dev package's symlink provides; map it to the
/// ICD loader's soname so a runtime-only install (ocl-icd-libopencl1) works.
/// </summary>
internal static class OpenCLLibrary
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    public static void EnsureResolver()
    {
        lock (Gate)
        {
            if (_registered)
                return;
            _registered = true;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Someone else (the host application) already set a resolver for ILGPU: keep theirs.
            }
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != "OpenCL" || !OperatingSystem.IsLinux())
            return IntPtr.Zero;
        if (NativeLibrary.TryLoad("libOpenCL.so.1", assembly, path, out var handle) || NativeLibrary.TryLoad("libOpenCL.so", assembly, path, out handle))
            return handle;
        return IntPtr.Zero;
    }
}

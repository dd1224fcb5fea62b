using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Edge.Runtime.Backends.Cpu.Jit;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// AVX-512 VNNI vpdpbusd zmm (u8×s8, 4 products into int32 without saturation), which .NET has no intrinsic for:
/// the micro-kernels are generated as machine code at startup (<see cref="VnniMicroKernelGenerator"/>) and called
/// through unmanaged function pointers. A flipped to uint8, B stored as int8; panels of 32 columns, k in quads
/// (128 bytes a quad). The zero-point corrections stay in C#, applied to the tile the generated code wrote.
/// </summary>
internal readonly struct Int8GemmAvx512Vnni : IInt8GemmKernel
{
    private const int Width = VnniMicroKernelGenerator.PanelWidth;

    /// <summary>k quads up to which one kernel call runs for microseconds at most (≤ 12 vpdpbusd a quad, ~1 a cycle).</summary>
    private const int ShortCallQuads = 4096;

    public static int PanelWidth => Width;

    public static int KGroup => 4;

    public static Int8GemmAForm AForm => Int8GemmAForm.UInt8;

    /// <summary>Whether the CPU has AVX512_VNNI, the JIT is allowed (EDGE_NO_JIT unset) and the kernels could be mapped executable.</summary>
    public static bool IsAvailable => GeneratedCode.Entries is not null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static unsafe void Run(byte* a, nint aStride, int rows, byte* panel, int kGroups,
        int* rowSum, int* p, int* q, int* r, int* c, nint ldc, int validCols)
    {
        var entries = GeneratedCode.Entries ?? throw new NotSupportedException("AVX-512 VNNI kernels are not available");
        int* tile = stackalloc int[VnniMicroKernelGenerator.MaxRows * Width];
        bool direct = validCols == Width;
        for (int row = 0; row < rows; row += VnniMicroKernelGenerator.MaxRows)
        {
            int count = Math.Min(VnniMicroKernelGenerator.MaxRows, rows - row);
            int* target = direct ? c + row * ldc : tile;
            nint targetStride = direct ? ldc : Width;
            // Skipping the GC transition saves ~20 ns a call but holds off a GC suspension for the call's length,
            // so only calls known to be short (≲ 15 µs) skip it.
            if (kGroups <= ShortCallQuads)
                ((delegate* unmanaged[SuppressGCTransition]<byte*, nint, byte*, nint, int*, nint, void>)entries[count - 1])(
                    a + row * aStride, aStride, panel, kGroups, target, targetStride * sizeof(int));
            else
                ((delegate* unmanaged<byte*, nint, byte*, nint, int*, nint, void>)entries[count - 1])(
                    a + row * aStride, aStride, panel, kGroups, target, targetStride * sizeof(int));
            Correct(target, targetStride, count, rowSum + row, p + row, q, r, c + row * ldc, ldc, validCols);
        }
    }

    /// <summary>C = P + rowSum·q + p·r on the raw tile, written to C's first <paramref name="validCols"/> columns (in place when the tile is C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Correct(int* tile, nint tileStride, int rows, int* rowSum, int* p, int* q, int* r, int* c, nint ldc, int validCols)
    {
        var qLow = Vector512.Load(q);
        var qHigh = Vector512.Load(q + 16);
        var rLow = Vector512.Load(r);
        var rHigh = Vector512.Load(r + 16);
        for (int row = 0; row < rows; row++)
        {
            var sum = Vector512.Create(rowSum[row]);
            var pv = Vector512.Create(p[row]);
            int* source = tile + row * tileStride;
            var low = Vector512.Load(source) + sum * qLow + pv * rLow;
            var high = Vector512.Load(source + 16) + sum * qHigh + pv * rHigh;
            int* destination = c + row * ldc;
            if (validCols == Width)
            {
                low.Store(destination);
                high.Store(destination + 16);
                continue;
            }
            low.Store(source);
            high.Store(source + 16);
            new ReadOnlySpan<int>(source, validCols).CopyTo(new Span<int>(destination, validCols));
        }
    }

    /// <summary>Generated once per process on first use; the mapping is never freed (the kernels live as long as the process).</summary>
    private static class GeneratedCode
    {
        public static readonly nint[]? Entries = Create();

        private static unsafe nint[]? Create()
        {
            if (!CpuHasAvx512Vnni() || Environment.GetEnvironmentVariable("EDGE_NO_JIT") == "1")
                return null;
            try
            {
                var code = VnniMicroKernelGenerator.GenerateAll(out var offsets);
                byte* mapped = ExecutableMemory.TryMap(code);
                if (mapped is null)
                    return null;
                return offsets.Select(offset => (nint)(mapped + offset)).ToArray();
            }
            catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
            {
                return null;
            }
        }

        private static bool CpuHasAvx512Vnni()
        {
            // Avx512F.IsSupported also means the OS saves the ZMM state; VNNI is CPUID.(EAX=7,ECX=0):ECX[11].
            if (!ExecutableMemory.IsAvailable || !X86Base.IsSupported || !Avx512BW.IsSupported || !Avx512BW.VL.IsSupported)
                return false;
            var (_, _, ecx, _) = X86Base.CpuId(7, 0);
            return (ecx & (1 << 11)) != 0;
        }
    }
}

namespace Edge.Runtime.Backends.Cpu.Jit;

/// <summary>
/// Generates AVX-512 VNNI direct-convolution micro-kernels for one convolution geometry. The input is stored with four
/// channels interleaved per pixel (uint8), so one tap of one channel quad over 32 consecutive output pixels is 128
/// contiguous bytes: the B operand is read straight from the image, with no patch packing. Weights are the int8 side,
/// one dword (the quad's four channels at that tap) broadcast per output channel. The tap offsets are baked into the
/// code as displacements; the loop runs over channel quads.
/// Signature (System V): void kernel(byte* weights, nint weightStride, byte* pixels, nint quads, int* output, nint outputStrideBytes);
/// it writes rows × 32 raw int32 sums and touches only caller-saved registers.
/// </summary>
internal static class VnniDirectConvGenerator
{
    public const int MaxRows = 6;

    public const int PanelWidth = 32;

    private const int BroadcastRegister = 23;

    private const Gpr Weights = Gpr.Rdi, WeightStride = Gpr.Rsi, Pixels = Gpr.Rdx, Quads = Gpr.Rcx, Output = Gpr.R8, OutputStride = Gpr.R9;

    /// <summary>All row counts in one block; entry <c>offsets[rows − 1]</c> computes that many output channels.</summary>
    /// <param name="tapOffsets">Per tap, the byte offset of its 32-pixel run from the pixel pointer.</param>
    /// <param name="quadBytes">Bytes from one channel quad's planes to the next.</param>
    public static byte[] GenerateAll(ReadOnlySpan<int> tapOffsets, int quadBytes, out int[] offsets)
    {
        var code = new List<byte>();
        offsets = new int[MaxRows];
        for (int rows = 1; rows <= MaxRows; rows++)
        {
            while (code.Count % 64 != 0)
                code.Add(0xCC);
            offsets[rows - 1] = code.Count;
            code.AddRange(Generate(rows, tapOffsets, quadBytes));
        }
        return code.ToArray();
    }

    public static byte[] Generate(int rows, ReadOnlySpan<int> tapOffsets, int quadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        ArgumentOutOfRangeException.ThrowIfZero(tapOffsets.Length);
        // Few rows leave few independent vpdpbusd chains: taps alternate between accumulator sets to hide its latency.
        int unroll = rows switch { 1 => 4, 2 => 2, _ => 1 };
        var emit = new X86Emitter();
        var rowAddresses = RowAddresses(Weights, WeightStride);
        emit.Lea(Gpr.R10, X86Memory.At(WeightStride, WeightStride, 2));
        emit.Lea(Gpr.R11, X86Memory.At(WeightStride, WeightStride, 4));
        for (int register = 0; register < 2 * rows * unroll; register++)
            emit.Vpxord(register, register, register);

        int loop = emit.CreateLabel();
        emit.Bind(loop);
        for (int tap = 0; tap < tapOffsets.Length; tap++)
        {
            // Two register pairs for the pixels, so the next tap's loads need not wait for this tap's multiplies.
            int low = 31 - 2 * (tap % 2), high = 30 - 2 * (tap % 2);
            emit.Vmovdqu32(low, X86Memory.At(Pixels, tapOffsets[tap]));
            emit.Vmovdqu32(high, X86Memory.At(Pixels, tapOffsets[tap] + 64));
            int first = tap % unroll * 2 * rows;
            for (int row = 0; row < rows; row++)
            {
                int broadcast = BroadcastRegister - row % 2;
                emit.Vpbroadcastd(broadcast, rowAddresses[row] with { Displacement = 4 * tap });
                emit.Vpdpbusd(first + 2 * row, low, broadcast);
                emit.Vpdpbusd(first + 2 * row + 1, high, broadcast);
            }
        }
        emit.Add(Weights, 4 * tapOffsets.Length);
        emit.Add(Pixels, quadBytes);
        emit.Dec(Quads);
        emit.Jnz(loop);

        for (int set = 1; set < unroll; set++)
            for (int register = 0; register < 2 * rows; register++)
                emit.Vpaddd(register, register, set * 2 * rows + register);
        var outputRows = RowAddresses(Output, OutputStride);
        emit.Lea(Gpr.R10, X86Memory.At(OutputStride, OutputStride, 2));
        emit.Lea(Gpr.R11, X86Memory.At(OutputStride, OutputStride, 4));
        for (int row = 0; row < rows; row++)
        {
            emit.Vmovdqu32(outputRows[row], 2 * row);
            emit.Vmovdqu32(outputRows[row] with { Displacement = 64 }, 2 * row + 1);
        }
        emit.Vzeroupper();
        emit.Ret();
        return emit.ToArray();
    }

    /// <summary>Rows 0..5 at base + {0, 1, 2, 3, 4, 5}·stride, with r10 = 3·stride and r11 = 5·stride.</summary>
    private static X86Memory[] RowAddresses(Gpr baseRegister, Gpr stride) =>
    [
        X86Memory.At(baseRegister),
        X86Memory.At(baseRegister, stride, 1),
        X86Memory.At(baseRegister, stride, 2),
        X86Memory.At(baseRegister, Gpr.R10, 1),
        X86Memory.At(baseRegister, stride, 4),
        X86Memory.At(baseRegister, Gpr.R11, 1),
    ];
}

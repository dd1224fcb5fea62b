namespace Edge.Runtime.Backends.Cpu.Jit;

/// <summary>
/// Generates the AVX-512 VNNI int8 micro-kernels: for 1..<see cref="MaxRows"/> uint8 A rows and one B panel of
/// 32 int8 columns × k quads (128 bytes a quad), raw int32 dot products P = Σ a·b via vpdpbusd zmm.
/// Signature (System V): void kernel(byte* a, nint aStride, byte* panel, nint kGroups, int* output, nint outputStrideBytes);
/// it writes rows × 32 int32 and touches only caller-saved registers, so it needs no prologue.
/// </summary>
internal static class VnniMicroKernelGenerator
{
    public const int MaxRows = 6;

    public const int PanelWidth = 32;

    private const int QuadBytes = PanelWidth * 4;

    private const int BroadcastRegister = 23;

    private const Gpr A = Gpr.Rdi, AStride = Gpr.Rsi, Panel = Gpr.Rdx, KGroups = Gpr.Rcx, Output = Gpr.R8, OutputStride = Gpr.R9;

    /// <summary>All kernels in one block; entry <c>offsets[rows − 1]</c> computes that many rows.</summary>
    public static byte[] GenerateAll(out int[] offsets)
    {
        var code = new List<byte>();
        offsets = new int[MaxRows];
        for (int rows = 1; rows <= MaxRows; rows++)
        {
            // Entries 64-byte aligned: the loops then start on predictable fetch boundaries.
            while (code.Count % 64 != 0)
                code.Add(0xCC);
            offsets[rows - 1] = code.Count;
            code.AddRange(Generate(rows));
        }
        return code.ToArray();
    }

    public static byte[] Generate(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        // vpdpbusd accumulates in place: with few rows, unroll k over separate accumulator sets so its latency
        // (~4-5 cycles) is hidden behind independent chains instead of stalling every quad.
        int unroll = rows switch { 1 => 4, 2 => 2, _ => 1 };
        var emit = new X86Emitter();
        var rowAddresses = RowAddresses(A, AStride, Gpr.R10, Gpr.R11);
        emit.Lea(Gpr.R10, X86Memory.At(AStride, AStride, 2));
        emit.Lea(Gpr.R11, X86Memory.At(AStride, AStride, 4));
        for (int register = 0; register < 2 * rows * unroll; register++)
            emit.Vpxord(register, register, register);

        int mainLoop = emit.CreateLabel(), tail = emit.CreateLabel(), tailLoop = emit.CreateLabel(), done = emit.CreateLabel();
        emit.Cmp(KGroups, unroll);
        emit.Jl(tail);
        emit.Bind(mainLoop);
        for (int step = 0; step < unroll; step++)
            EmitQuad(emit, rows, rowAddresses, step, accumulatorSet: step);
        emit.Add(A, 4 * unroll);
        emit.Add(Panel, QuadBytes * unroll);
        emit.Sub(KGroups, unroll);
        emit.Cmp(KGroups, unroll);
        emit.Jge(mainLoop);
        emit.Bind(tail);
        emit.Test(KGroups, KGroups);
        emit.Jz(done);
        emit.Bind(tailLoop);
        EmitQuad(emit, rows, rowAddresses, 0, accumulatorSet: 0);
        emit.Add(A, 4);
        emit.Add(Panel, QuadBytes);
        emit.Dec(KGroups);
        emit.Jnz(tailLoop);
        emit.Bind(done);

        for (int set = 1; set < unroll; set++)
            for (int register = 0; register < 2 * rows; register++)
                emit.Vpaddd(register, register, set * 2 * rows + register);
        var outputRows = RowAddresses(Output, OutputStride, Gpr.R10, Gpr.R11);
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

    /// <summary>One k quad: B's 32 columns into two registers per step, then each A row's quad broadcast and multiplied into both.</summary>
    private static void EmitQuad(X86Emitter emit, int rows, X86Memory[] rowAddresses, int step, int accumulatorSet)
    {
        int low = 31 - 2 * step, high = 30 - 2 * step;
        emit.Vmovdqu32(low, X86Memory.At(Panel, step * QuadBytes));
        emit.Vmovdqu32(high, X86Memory.At(Panel, step * QuadBytes + 64));
        int first = accumulatorSet * 2 * rows;
        for (int row = 0; row < rows; row++)
        {
            int broadcast = BroadcastRegister - row % 2;
            emit.Vpbroadcastd(broadcast, rowAddresses[row] with { Displacement = 4 * step });
            emit.Vpdpbusd(first + 2 * row, broadcast, low);
            emit.Vpdpbusd(first + 2 * row + 1, broadcast, high);
        }
    }

    /// <summary>Rows 0..5 at base + {0, 1, 2, 3, 4, 5}·stride, with <paramref name="triple"/> = 3·stride and <paramref name="quintuple"/> = 5·stride.</summary>
    private static X86Memory[] RowAddresses(Gpr baseRegister, Gpr stride, Gpr triple, Gpr quintuple) =>
    [
        X86Memory.At(baseRegister),
        X86Memory.At(baseRegister, stride, 1),
        X86Memory.At(baseRegister, stride, 2),
        X86Memory.At(baseRegister, triple, 1),
        X86Memory.At(baseRegister, stride, 4),
        X86Memory.At(baseRegister, quintuple, 1),
    ];
}

namespace Edge.Runtime.Backends.Cpu.Jit;

/// <summary>
/// Encodes the handful of x86-64 instructions the generated int8 micro-kernels need: a few 64-bit integer
/// ops, conditional jumps to labels, and the EVEX-encoded 512-bit ops (.NET exposes no AVX-512 VNNI intrinsic).
/// ZMM registers are numbered 0..31. Every form is checked byte for byte against objdump in the emitter tests.
/// </summary>
internal sealed class X86Emitter
{
    private const int Evex512 = 2;

    private readonly List<byte> code = [];
    private readonly List<int> labelPositions = [];
    private readonly List<(int Position, int Label)> fixups = [];

    public int Length => code.Count;

    /// <summary>The machine code with every jump resolved; throws if a jump targets a label never bound.</summary>
    public byte[] ToArray()
    {
        var bytes = code.ToArray();
        foreach (var (position, label) in fixups)
        {
            int target = labelPositions[label];
            if (target < 0)
                throw new InvalidOperationException($"Label {label} is jumped to but never bound");
            BitConverter.TryWriteBytes(bytes.AsSpan(position, 4), target - (position + 4));
        }
        return bytes;
    }

    public int CreateLabel()
    {
        labelPositions.Add(-1);
        return labelPositions.Count - 1;
    }

    public void Bind(int label) => labelPositions[label] = code.Count;

    public void Ret() => code.Add(0xC3);

    public void Vzeroupper() => code.AddRange([0xC5, 0xF8, 0x77]);

    public void Lea(Gpr destination, X86Memory source)
    {
        Rex(true, (int)destination, source);
        code.Add(0x8D);
        ModRmMemory((int)destination, source, 1);
    }

    public void Add(Gpr destination, int immediate) => ArithmeticImmediate(0, destination, immediate);

    public void Sub(Gpr destination, int immediate) => ArithmeticImmediate(5, destination, immediate);

    public void Cmp(Gpr destination, int immediate) => ArithmeticImmediate(7, destination, immediate);

    public void Test(Gpr destination, Gpr source)
    {
        RexRegisters(true, (int)source, (int)destination);
        code.Add(0x85);
        code.Add(ModRmRegisters((int)source, (int)destination));
    }

    public void Dec(Gpr destination)
    {
        RexRegisters(true, 1, (int)destination);
        code.Add(0xFF);
        code.Add(ModRmRegisters(1, (int)destination));
    }

    public void Jmp(int label)
    {
        code.Add(0xE9);
        Fixup(label);
    }

    public void Jz(int label) => ConditionalJump(0x84, label);

    public void Jnz(int label) => ConditionalJump(0x85, label);

    public void Jl(int label) => ConditionalJump(0x8C, label);

    public void Jge(int label) => ConditionalJump(0x8D, label);

    /// <summary>vpdpbusd: each int32 lane of <paramref name="accumulator"/> += Σ of 4 products uint8 <paramref name="unsignedBytes"/> × int8 <paramref name="signedBytes"/>.</summary>
    public void Vpdpbusd(int accumulator, int unsignedBytes, int signedBytes) =>
        EvexRegisters(pp: 1, map: 2, opcode: 0x50, accumulator, unsignedBytes, signedBytes);

    /// <summary>vpdpbusd with the int8 operand in memory: 64 bytes, or one dword broadcast to all 16 lanes when <paramref name="broadcast"/>.</summary>
    public void Vpdpbusd(int accumulator, int unsignedBytes, X86Memory signedBytes, bool broadcast) =>
        EvexMemory(pp: 1, map: 2, opcode: 0x50, accumulator, unsignedBytes, signedBytes, broadcast, broadcast ? 4 : 64);

    /// <summary>vpbroadcastd zmm, m32.</summary>
    public void Vpbroadcastd(int destination, X86Memory source) =>
        EvexMemory(pp: 1, map: 2, opcode: 0x58, destination, 0, source, false, 4);

    /// <summary>vmovdqu32 zmm, m512.</summary>
    public void Vmovdqu32(int destination, X86Memory source) =>
        EvexMemory(pp: 2, map: 1, opcode: 0x6F, destination, 0, source, false, 64);

    /// <summary>vmovdqu32 m512, zmm.</summary>
    public void Vmovdqu32(X86Memory destination, int source) =>
        EvexMemory(pp: 2, map: 1, opcode: 0x7F, source, 0, destination, false, 64);

    public void Vpxord(int destination, int left, int right) => EvexRegisters(pp: 1, map: 1, opcode: 0xEF, destination, left, right);

    public void Vpaddd(int destination, int left, int right) => EvexRegisters(pp: 1, map: 1, opcode: 0xFE, destination, left, right);

    private void ArithmeticImmediate(int extension, Gpr destination, int immediate)
    {
        RexRegisters(true, extension, (int)destination);
        bool small = immediate is >= sbyte.MinValue and <= sbyte.MaxValue;
        code.Add(small ? (byte)0x83 : (byte)0x81);
        code.Add(ModRmRegisters(extension, (int)destination));
        if (small)
            code.Add((byte)(sbyte)immediate);
        else
            Int32(immediate);
    }

    private void ConditionalJump(byte opcode, int label)
    {
        code.Add(0x0F);
        code.Add(opcode);
        Fixup(label);
    }

    private void Fixup(int label)
    {
        fixups.Add((code.Count, label));
        Int32(0);
    }

    private void Int32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BitConverter.TryWriteBytes(bytes, value);
        foreach (byte b in bytes)
            code.Add(b);
    }

    private void RexRegisters(bool wide, int reg, int rm) =>
        code.Add((byte)(0x40 | (wide ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1)));

    private void Rex(bool wide, int reg, X86Memory memory) =>
        code.Add((byte)(0x40 | (wide ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((IndexNumber(memory) >> 3) & 1) << 1 | (((int)memory.Base >> 3) & 1)));

    private static byte ModRmRegisters(int reg, int rm) => (byte)(0xC0 | (reg & 7) << 3 | (rm & 7));

    /// <param name="pp">Implied prefix: 1 = 66, 2 = F3.</param>
    /// <param name="map">Opcode map: 1 = 0F, 2 = 0F38.</param>
    private void EvexRegisters(int pp, int map, byte opcode, int reg, int vvvv, int rm)
    {
        CheckZmm(reg);
        CheckZmm(vvvv);
        CheckZmm(rm);
        // R, X (the high bit of a register rm), B, R' and V' are stored inverted.
        int p0 = (~reg >> 3 & 1) << 7 | (~rm >> 4 & 1) << 6 | (~rm >> 3 & 1) << 5 | (~reg >> 4 & 1) << 4 | map;
        Evex(p0, pp, vvvv, broadcast: false);
        code.Add(opcode);
        code.Add(ModRmRegisters(reg, rm));
    }

    /// <param name="disp8Scale">EVEX compresses an 8-bit displacement by the operand's size (64 full, 4 broadcast or scalar).</param>
    private void EvexMemory(int pp, int map, byte opcode, int reg, int vvvv, X86Memory memory, bool broadcast, int disp8Scale)
    {
        CheckZmm(reg);
        CheckZmm(vvvv);
        int index = IndexNumber(memory), baseNumber = (int)memory.Base;
        int p0 = (~reg >> 3 & 1) << 7 | (~index >> 3 & 1) << 6 | (~baseNumber >> 3 & 1) << 5 | (~reg >> 4 & 1) << 4 | map;
        Evex(p0, pp, vvvv, broadcast);
        code.Add(opcode);
        ModRmMemory(reg, memory, disp8Scale);
    }

    private void Evex(int p0, int pp, int vvvv, bool broadcast)
    {
        code.Add(0x62);
        code.Add((byte)p0);
        code.Add((byte)((~vvvv & 15) << 3 | 4 | pp)); // W0
        code.Add((byte)(Evex512 << 5 | (broadcast ? 1 : 0) << 4 | (~vvvv >> 4 & 1) << 3)); // no masking
    }

    private void ModRmMemory(int reg, X86Memory memory, int disp8Scale)
    {
        int baseLow = (int)memory.Base & 7, displacement = memory.Displacement;
        if (memory.Index == Gpr.Rsp)
            throw new ArgumentException("rsp cannot be an index register");
        bool sib = memory.Index is not null || baseLow == 4;
        // rbp/r13 as a base has no displacement-free form.
        int mod = displacement == 0 && baseLow != 5 ? 0
            : displacement % disp8Scale == 0 && displacement / disp8Scale is >= sbyte.MinValue and <= sbyte.MaxValue ? 1
            : 2;
        code.Add((byte)(mod << 6 | (reg & 7) << 3 | (sib ? 4 : baseLow)));
        if (sib)
        {
            int scaleBits = memory.Scale switch
            {
                1 => 0,
                2 => 1,
                4 => 2,
                8 => 3,
                _ => throw new ArgumentException($"Scale {memory.Scale} is not 1, 2, 4 or 8"),
            };
            code.Add((byte)(scaleBits << 6 | (IndexNumber(memory) & 7) << 3 | baseLow));
        }
        if (mod == 1)
            code.Add((byte)(sbyte)(displacement / disp8Scale));
        else if (mod == 2)
            Int32(displacement);
    }

    /// <summary>An absent index is encoded as rsp's number (100b) with the extension bit clear.</summary>
    private static int IndexNumber(X86Memory memory) => memory.Index is { } index ? (int)index : 4;

    private static void CheckZmm(int register)
    {
        if (register is < 0 or > 31)
            throw new ArgumentOutOfRangeException(nameof(register), register, "ZMM registers are 0..31");
    }
}

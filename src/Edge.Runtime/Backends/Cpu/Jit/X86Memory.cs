namespace Edge.Runtime.Backends.Cpu.Jit;

/// <summary>A memory operand [base + index·scale + displacement].</summary>
internal readonly record struct X86Memory(Gpr Base, Gpr? Index = null, int Scale = 1, int Displacement = 0)
{
    public static X86Memory At(Gpr baseRegister, int displacement = 0) => new(baseRegister, null, 1, displacement);

    public static X86Memory At(Gpr baseRegister, Gpr index, int scale, int displacement = 0) => new(baseRegister, index, scale, displacement);
}

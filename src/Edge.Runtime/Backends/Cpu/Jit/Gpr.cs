namespace Edge.Runtime.Backends.Cpu.Jit;

/// <summary>The x86-64 general-purpose registers, numbered as the instruction encoding numbers them.</summary>
internal enum Gpr
{
    Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi,
    R8, R9, R10, R11, R12, R13, R14, R15,
}

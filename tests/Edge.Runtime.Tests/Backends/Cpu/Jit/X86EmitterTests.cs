using Edge.Runtime.Backends.Cpu.Jit;
using Xunit;

namespace Edge.Runtime.Tests.Backends.Cpu.Jit;

public class X86EmitterTests
{
    /// <summary>Every instruction form the generator uses, with the bytes objdump disassembles as the named instruction.</summary>
    private static readonly Dictionary<string, (Action<X86Emitter> Emit, string Bytes)> Forms = new()
    {
        ["ret"] = (e => e.Ret(), "c3"),
        ["vzeroupper"] = (e => e.Vzeroupper(), "c5 f8 77"),
        ["lea r10,[rsi+rsi*2]"] = (e => e.Lea(Gpr.R10, X86Memory.At(Gpr.Rsi, Gpr.Rsi, 2)), "4c 8d 14 76"),
        ["lea r11,[r9+r9*4]"] = (e => e.Lea(Gpr.R11, X86Memory.At(Gpr.R9, Gpr.R9, 4)), "4f 8d 1c 89"),
        ["lea rax,[r13+0x0]"] = (e => e.Lea(Gpr.Rax, X86Memory.At(Gpr.R13)), "49 8d 45 00"),
        ["lea rbx,[rsp+0x200]"] = (e => e.Lea(Gpr.Rbx, X86Memory.At(Gpr.Rsp, 0x200)), "48 8d 9c 24 00 02 00 00"),
        ["add rdi,0x4"] = (e => e.Add(Gpr.Rdi, 4), "48 83 c7 04"),
        ["add rdx,0x200"] = (e => e.Add(Gpr.Rdx, 512), "48 81 c2 00 02 00 00"),
        ["add r8,0xffffffffffffff80"] = (e => e.Add(Gpr.R8, -128), "49 83 c0 80"),
        ["sub rcx,0x2"] = (e => e.Sub(Gpr.Rcx, 2), "48 83 e9 02"),
        ["sub r15,0x1000"] = (e => e.Sub(Gpr.R15, 4096), "49 81 ef 00 10 00 00"),
        ["cmp rcx,0x4"] = (e => e.Cmp(Gpr.Rcx, 4), "48 83 f9 04"),
        ["test rcx,rcx"] = (e => e.Test(Gpr.Rcx, Gpr.Rcx), "48 85 c9"),
        ["test r9,rax"] = (e => e.Test(Gpr.R9, Gpr.Rax), "49 85 c1"),
        ["dec rcx"] = (e => e.Dec(Gpr.Rcx), "48 ff c9"),
        ["dec r12"] = (e => e.Dec(Gpr.R12), "49 ff cc"),
        ["vpxord zmm0,zmm0,zmm0"] = (e => e.Vpxord(0, 0, 0), "62 f1 7d 48 ef c0"),
        ["vpxord zmm11,zmm11,zmm11"] = (e => e.Vpxord(11, 11, 11), "62 51 25 48 ef db"),
        ["vpxord zmm17,zmm25,zmm9"] = (e => e.Vpxord(17, 25, 9), "62 c1 35 40 ef c9"),
        ["vpaddd zmm2,zmm2,zmm10"] = (e => e.Vpaddd(2, 2, 10), "62 d1 6d 48 fe d2"),
        ["vpaddd zmm30,zmm8,zmm19"] = (e => e.Vpaddd(30, 8, 19), "62 21 3d 48 fe f3"),
        ["vpdpbusd zmm0,zmm23,zmm31"] = (e => e.Vpdpbusd(0, 23, 31), "62 92 45 40 50 c7"),
        ["vpdpbusd zmm11,zmm22,zmm30"] = (e => e.Vpdpbusd(11, 22, 30), "62 12 4d 40 50 de"),
        ["vpdpbusd zmm16,zmm3,zmm8"] = (e => e.Vpdpbusd(16, 3, 8), "62 c2 65 48 50 c0"),
        ["vpdpbusd zmm1,zmm2,[rdx+0x40]"] = (e => e.Vpdpbusd(1, 2, X86Memory.At(Gpr.Rdx, 64), broadcast: false), "62 f2 6d 48 50 4a 01"),
        ["vpdpbusd zmm5,zmm6,[rdi+r10*1+0x8]{1to16}"] = (e => e.Vpdpbusd(5, 6, X86Memory.At(Gpr.Rdi, Gpr.R10, 1, 8), broadcast: true), "62 b2 4d 58 50 6c 17 02"),
        ["vpdpbusd zmm20,zmm29,[r8+0x1000]{1to16}"] = (e => e.Vpdpbusd(20, 29, X86Memory.At(Gpr.R8, 0x1000), broadcast: true), "62 c2 15 50 50 a0 00 10 00 00"),
        ["vpbroadcastd zmm23,[rdi]"] = (e => e.Vpbroadcastd(23, X86Memory.At(Gpr.Rdi)), "62 e2 7d 48 58 3f"),
        ["vpbroadcastd zmm22,[rdi+rsi*1+0x4]"] = (e => e.Vpbroadcastd(22, X86Memory.At(Gpr.Rdi, Gpr.Rsi, 1, 4)), "62 e2 7d 48 58 74 37 01"),
        ["vpbroadcastd zmm23,[rdi+r11*1+0xc]"] = (e => e.Vpbroadcastd(23, X86Memory.At(Gpr.Rdi, Gpr.R11, 1, 12)), "62 a2 7d 48 58 7c 1f 03"),
        ["vpbroadcastd zmm2,[rdi+rsi*4+0x3]"] = (e => e.Vpbroadcastd(2, X86Memory.At(Gpr.Rdi, Gpr.Rsi, 4, 3)), "62 f2 7d 48 58 94 b7 03 00 00 00"),
        ["vmovdqu32 zmm31,[rdx]"] = (e => e.Vmovdqu32(31, X86Memory.At(Gpr.Rdx)), "62 61 7e 48 6f 3a"),
        ["vmovdqu32 zmm30,[rdx+0x40]"] = (e => e.Vmovdqu32(30, X86Memory.At(Gpr.Rdx, 64)), "62 61 7e 48 6f 72 01"),
        ["vmovdqu32 zmm24,[rdx+0x1c0]"] = (e => e.Vmovdqu32(24, X86Memory.At(Gpr.Rdx, 448)), "62 61 7e 48 6f 42 07"),
        ["vmovdqu32 zmm3,[rdx+0x20]"] = (e => e.Vmovdqu32(3, X86Memory.At(Gpr.Rdx, 32)), "62 f1 7e 48 6f 9a 20 00 00 00"),
        ["vmovdqu32 zmm9,[r12]"] = (e => e.Vmovdqu32(9, X86Memory.At(Gpr.R12)), "62 51 7e 48 6f 0c 24"),
        ["vmovdqu32 [r8],zmm0"] = (e => e.Vmovdqu32(X86Memory.At(Gpr.R8), 0), "62 d1 7e 48 7f 00"),
        ["vmovdqu32 [r8+r9*1+0x40],zmm3"] = (e => e.Vmovdqu32(X86Memory.At(Gpr.R8, Gpr.R9, 1, 64), 3), "62 91 7e 48 7f 5c 08 01"),
        ["vmovdqu32 [r8+r11*1+0x40],zmm11"] = (e => e.Vmovdqu32(X86Memory.At(Gpr.R8, Gpr.R11, 1, 64), 11), "62 11 7e 48 7f 5c 18 01"),
        ["vmovdqu32 [r8+r9*4],zmm8"] = (e => e.Vmovdqu32(X86Memory.At(Gpr.R8, Gpr.R9, 4), 8), "62 11 7e 48 7f 04 88"),
        ["vmovdqu32 [rbp+0x0],zmm17"] = (e => e.Vmovdqu32(X86Memory.At(Gpr.Rbp), 17), "62 e1 7e 48 7f 4d 00"),
    };

    public static TheoryData<string> FormNames() => new(Forms.Keys);

    [Theory]
    [MemberData(nameof(FormNames))]
    public void InstructionEncodesAsObjdumpDisassemblesIt(string instruction)
    {
        var (emit, expected) = Forms[instruction];
        var emitter = new X86Emitter();
        emit(emitter);
        string actual = Convert.ToHexString(emitter.ToArray()).ToLowerInvariant();
        Assert.Equal(expected.Replace(" ", ""), actual);
    }

    [Fact]
    public void JumpsResolveToTheirLabelsBackwardAndForward()
    {
        // objdump: 48 ff c9 = dec rcx; 0f 85 f7 ff ff ff = jne 0x0; 0f 84 01 00 00 00 = je 0x10; c3 = ret.
        var emitter = new X86Emitter();
        int back = emitter.CreateLabel(), forward = emitter.CreateLabel();
        emitter.Bind(back);
        emitter.Dec(Gpr.Rcx);
        emitter.Jnz(back);
        emitter.Jz(forward);
        emitter.Ret();
        emitter.Bind(forward);
        Assert.Equal("48ffc90f85f7ffffff0f8401000000c3", Convert.ToHexString(emitter.ToArray()).ToLowerInvariant());
    }

    [Fact]
    public void JumpToAnUnboundLabelIsRejected()
    {
        var emitter = new X86Emitter();
        emitter.Jmp(emitter.CreateLabel());
        Assert.Throws<InvalidOperationException>(() => emitter.ToArray());
    }

    [Fact]
    public void OutOfRangeOperandsAreRejected()
    {
        var emitter = new X86Emitter();
        Assert.Throws<ArgumentOutOfRangeException>(() => emitter.Vpaddd(32, 0, 0));
        Assert.Throws<ArgumentException>(() => emitter.Lea(Gpr.Rax, X86Memory.At(Gpr.Rdi, Gpr.Rsp, 1)));
        Assert.Throws<ArgumentException>(() => emitter.Lea(Gpr.Rax, X86Memory.At(Gpr.Rdi, Gpr.Rsi, 3)));
    }
}

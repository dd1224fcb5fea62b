using Edge.Runtime.Backends.Cpu.Jit;
using Xunit;

namespace Edge.Runtime.Tests.Backends.Cpu.Jit;

public class ExecutableMemoryTests
{
    [Fact]
    public unsafe void MappedCodeRunsWithTheSystemVArguments()
    {
        if (!ExecutableMemory.IsAvailable)
            return;
        var emitter = new X86Emitter();
        emitter.Lea(Gpr.Rax, X86Memory.At(Gpr.Rdi, Gpr.Rsi, 4, 3)); // a + 4·b + 3
        emitter.Ret();
        byte* code = ExecutableMemory.TryMap(emitter.ToArray());
        Assert.True(code is not null, "mmap/mprotect refused an executable mapping");
        var function = (delegate* unmanaged<long, long, long>)code;
        Assert.Equal(1000 + 4 * -7 + 3, function(1000, -7));
    }

    [Fact]
    public unsafe void EmptyCodeIsNotMapped() => Assert.True(ExecutableMemory.TryMap([]) is null);
}

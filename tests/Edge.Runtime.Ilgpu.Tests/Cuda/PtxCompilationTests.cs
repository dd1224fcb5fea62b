using Edge.Runtime.Ilgpu.Kernels;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Edge.Runtime.Ilgpu.Tests.Cuda;

/// <summary>Every device kernel compiles to PTX with ILGPU's PTX backend — no GPU needed — and the int8 GEMMs use dp4a.</summary>
public sealed class PtxCompilationTests
{
    public static TheoryData<string, int> KernelsAndArchitectures()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, _, _) in KernelCatalog.All)
            foreach (int sm in new[] { 75, 87 })
                data.Add(name, sm);
        return data;
    }

    [Theory]
    [MemberData(nameof(KernelsAndArchitectures))]
    public void KernelCompilesToPtx(string kernel, int sm)
    {
        string ptx = Compile(kernel, sm);
        // ILGPU 1.5.3 targets the newest PTX architecture it knows that the device can run: sm_80 code for
        // SM_87 (Jetson Orin), which the driver JIT-compiles there.
        var target = System.Text.RegularExpressions.Regex.Match(ptx, @"\.target sm_(\d+)");
        Assert.True(target.Success, "no .target line");
        int emitted = int.Parse(target.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(emitted, sm / 10 * 10, sm);
        Assert.Contains(".entry", ptx);
    }

    [Theory]
    [InlineData("GemmKernels.Tiled", 75)]
    [InlineData("GemmKernels.Gemv", 75)]
    [InlineData("GemmKernels.Tiled", 87)]
    [InlineData("GemmKernels.Gemv", 87)]
    public void Int8GemmPtxUsesDp4a(string kernel, int sm)
    {
        string ptx = Compile(kernel, sm);
        foreach (string variant in new[] { "dp4a.s32.s32", "dp4a.u32.u32", "dp4a.u32.s32", "dp4a.s32.u32" })
            Assert.Contains(variant, ptx);
    }

    [Fact]
    public void QuantizeDividesWithIeeeRounding()
    {
        // Bit-exact quantization needs x / scale correctly rounded, not an approximate reciprocal.
        string ptx = Compile("QuantizeKernels.Quantize", 75);
        Assert.Contains("div.rn.f32", ptx);
        Assert.DoesNotContain("div.approx", ptx);
    }

    [Theory]
    [InlineData("QuantizeKernels.AddQuantized")]
    [InlineData("EpilogueKernels.Requantize")]
    [InlineData("QuantizeKernels.Dequantize")]
    [InlineData("QuantizeKernels.Quantize")]
    public void Int8ArithmeticIsNotContractedIntoFma(string kernel)
    {
        // ptxas may fuse a plain mul.f32 feeding an add.f32 into one fma, which rounds once and breaks
        // bit-exactness with the CPU. The int8 kernels either never add after a multiply or multiply with
        // mul.rn (ILGPU keeps the untaken portable branch beside it behind a constant-true predicate).
        string ptx = Compile(kernel, 75);
        Assert.DoesNotContain("fma.", ptx);
        if (ptx.Contains("add.f32", StringComparison.Ordinal))
            Assert.Contains("mul.rn.f32", ptx);
    }

    private static string Compile(string kernel, int sm)
    {
        var (_, method, explicitlyGrouped) = KernelCatalog.All.Single(k => k.Name == kernel);
        var architecture = sm == 75 ? CudaArchitecture.SM_75 : CudaArchitecture.SM_87;
        using var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, CudaInstructionSet.ISA_84, null);
        var entry = explicitlyGrouped ? EntryPointDescription.FromExplicitlyGroupedKernel(method) : EntryPointDescription.FromImplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, default(KernelSpecialization));
        return compiled.PTXAssembly;
    }
}

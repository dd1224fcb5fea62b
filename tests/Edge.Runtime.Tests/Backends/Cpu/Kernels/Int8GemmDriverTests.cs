using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Operators;
using Xunit;

namespace Edge.Runtime.Tests.Backends.Cpu.Kernels;

/// <summary>
/// The driver's operand flips, zero-point corrections and panel layouts for the dot-product variants,
/// checked on any CPU with scalar stand-ins for vpdpbusd (AVX-VNNI) and sdot (ARM Dp), which CI cannot run.
/// </summary>
public class Int8GemmDriverTests
{
    [Fact]
    public void VpdpbusdLayoutAndUInt8FlipMatchTheReference() => AssertEmulationMatches<EmulatedDotProduct<UInt8Form>>();

    [Fact]
    public void SdotLayoutAndSInt8FlipMatchTheReference() => AssertEmulationMatches<EmulatedDotProduct<SInt8Form>>();

    private static void AssertEmulationMatches<TKernel>() where TKernel : IInt8GemmKernel
    {
        var random = new Random(17);
        for (int i = 0; i < 120; i++)
        {
            var problem = Int8GemmCase.Random(random);
            var expected = problem.Run(Int8GemmVariant.Reference, ParallelRunner.Sequential);
            var rowMajor = PackedInt8Matrix.Pack(problem.B, problem.BSigned, problem.K, problem.N, variant: Int8GemmVariant.Reference);
            var packed = Int8GemmPacking.Pack<TKernel>(Int8GemmVariant.Reference, rowMajor.Data, problem.K, problem.N, problem.BSigned, rowMajor.ColumnSums);
            var actual = (int[])expected.Clone();
            for (int row = 0; row < problem.M; row++)
                Array.Fill(actual, -1, row * problem.Ldc, problem.N);
            Int8GemmDriver.Multiply<TKernel>(problem.A, problem.ASigned, problem.M, problem.Lda, problem.AZero, packed, problem.BZero,
                actual, problem.Ldc, ParallelRunner.Sequential);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{typeof(TKernel).Name} {problem}");
        }
    }

    private interface IForm
    {
        static abstract Int8GemmAForm AForm { get; }
    }

    private readonly struct UInt8Form : IForm
    {
        public static Int8GemmAForm AForm => Int8GemmAForm.UInt8;
    }

    private readonly struct SInt8Form : IForm
    {
        public static Int8GemmAForm AForm => Int8GemmAForm.SInt8;
    }

    /// <summary>16-column panels, k in quads, each int32 lane the sum of 4 byte products: the vpdpbusd/sdot contract.</summary>
    private readonly struct EmulatedDotProduct<TForm> : IInt8GemmKernel where TForm : IForm
    {
        public static int PanelWidth => 16;

        public static int KGroup => 4;

        public static Int8GemmAForm AForm => TForm.AForm;

        public static unsafe void Run(byte* a, nint aStride, int rows, byte* panel, int kGroups,
            int* rowSum, int* p, int* q, int* r, int* c, nint ldc, int validCols)
        {
            for (int row = 0; row < rows; row++)
            {
                for (int col = 0; col < validCols; col++)
                {
                    int sum = 0;
                    for (int kg = 0; kg < kGroups; kg++)
                    {
                        for (int g = 0; g < 4; g++)
                        {
                            byte av = a[row * aStride + kg * 4 + g];
                            sum += (AForm == Int8GemmAForm.UInt8 ? av : (sbyte)av) * (sbyte)panel[kg * 64 + col * 4 + g];
                        }
                    }
                    c[row * ldc + col] = sum + rowSum[row] * q[col] + p[row] * r[col];
                }
            }
        }
    }
}

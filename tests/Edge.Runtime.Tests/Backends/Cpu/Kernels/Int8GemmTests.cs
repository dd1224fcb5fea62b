using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Operators;
using Xunit;

namespace Edge.Runtime.Tests.Backends.Cpu.Kernels;

public class Int8GemmTests
{
    public static TheoryData<Int8GemmVariant> Variants()
    {
        var data = new TheoryData<Int8GemmVariant>();
        foreach (var variant in Int8Gemm.Supported)
            data.Add(variant);
        return data;
    }

    public static TheoryData<Int8GemmVariant, bool, bool> VariantsBySignedness()
    {
        var data = new TheoryData<Int8GemmVariant, bool, bool>();
        foreach (var variant in Int8Gemm.Supported)
            foreach (bool aSigned in new[] { false, true })
                foreach (bool bSigned in new[] { false, true })
                    data.Add(variant, aSigned, bSigned);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RandomEdgeShapesMatchTheReference(Int8GemmVariant variant)
    {
        var random = new Random(1234 + (int)variant);
        for (int i = 0; i < 150; i++)
            AssertMatches(Int8GemmCase.Random(random), variant);
    }

    [Theory]
    [MemberData(nameof(VariantsBySignedness))]
    public void EverySignednessMatchesTheReferenceAcrossBlockEdges(Int8GemmVariant variant, bool aSigned, bool bSigned)
    {
        var random = new Random(99);
        foreach (int m in new[] { 1, 2, 3, 4, 5, 6, 7, 17 })
            foreach (int n in new[] { 1, 15, 16, 17, 31, 33, 65 })
                foreach (int k in new[] { 1, 2, 3, 5, 7, 16, 33, 255 })
                    AssertMatches(Int8GemmCase.Random(random, m, n, k, aSigned, bSigned), variant);
    }

    [Theory]
    [MemberData(nameof(VariantsBySignedness))]
    public void ExtremeValuesDoNotSaturate(Int8GemmVariant variant, bool aSigned, bool bSigned)
    {
        // 255·127 + 255·127 overflows int16: this is where a plain vpmaddubsw goes wrong.
        foreach (byte aValue in new byte[] { 0xFF, 0x80, 0x7F, 0x00 })
        {
            foreach (byte bValue in new byte[] { 0x7F, 0x80, 0xFF, 0x00 })
            {
                const int m = 5, n = 33, k = 257;
                var a = Enumerable.Repeat(aValue, m * k).ToArray();
                var b = Enumerable.Repeat(bValue, k * n).ToArray();
                var packed = PackedInt8Matrix.Pack(b, bSigned, k, n, variant: variant);
                var c = new int[m * n];
                Int8Gemm.Multiply(a, aSigned, m, k, [0], packed, [0], c, n, ParallelRunner.Sequential);
                int av = aSigned ? (sbyte)aValue : aValue, bv = bSigned ? (sbyte)bValue : bValue;
                Assert.All(c, value => Assert.Equal(av * bv * k, value));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void PerRowAndPerColumnZeroPointsMatchTheReference(Int8GemmVariant variant)
    {
        var random = new Random(7);
        foreach (var (m, n, k) in new[] { (1, 33, 65), (7, 17, 31), (16, 64, 64), (33, 127, 15) })
        {
            var baseCase = Int8GemmCase.Random(random, m, n, k, random.Next(2) == 0, random.Next(2) == 0);
            var perRowAndColumn = new Int8GemmCase
            {
                M = m, N = n, K = k, ASigned = baseCase.ASigned, BSigned = baseCase.BSigned, BTransposed = false,
                Lda = baseCase.Lda, Ldc = baseCase.Ldc, A = baseCase.A, B = baseCase.B,
                AZero = Enumerable.Range(0, m).Select(i => baseCase.ASigned ? i % 256 - 128 : i * 37 % 256).ToArray(),
                BZero = Enumerable.Range(0, n).Select(i => baseCase.BSigned ? 127 - i % 256 : 255 - i * 11 % 256).ToArray(),
            };
            AssertMatches(perRowAndColumn, variant);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void StridedAAndCAreHonoured(Int8GemmVariant variant)
    {
        var random = new Random(11);
        var baseCase = Int8GemmCase.Random(random, 9, 40, 70, true, false);
        var strided = new Int8GemmCase
        {
            M = 9, N = 40, K = 70, ASigned = true, BSigned = false, BTransposed = true, Lda = 83, Ldc = 45,
            A = Enumerable.Range(0, 8 * 83 + 70).Select(_ => (byte)random.Next(256)).ToArray(),
            B = baseCase.B, AZero = [3], BZero = [200],
        };
        AssertMatches(strided, variant);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void MultiThreadedRunEqualsSingleThreaded(Int8GemmVariant variant)
    {
        // 64·520·200 multiply-adds is past the threshold where the panels are split across threads.
        var problem = Int8GemmCase.Random(new Random(5), 64, 520, 200, false, true);
        var single = problem.Run(variant, ParallelRunner.Sequential);
        var multi = problem.Run(variant, new ParallelRunner(4));
        Assert.Equal(single, multi);
        Assert.Null(problem.Check(variant, new ParallelRunner(3)));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TallALongKSpansSeveralRowBlocks(Int8GemmVariant variant)
    {
        // A is prepared ~128 KB of rows at a time: 150 rows of K=2100 take several blocks and a partial one.
        var random = new Random(21);
        var baseCase = Int8GemmCase.Random(random, 150, 70, 2100, true, true);
        var perRow = new Int8GemmCase
        {
            M = 150, N = 70, K = 2100, ASigned = true, BSigned = true, BTransposed = false, Lda = 2103, Ldc = 71,
            A = Enumerable.Range(0, 149 * 2103 + 2100).Select(_ => (byte)random.Next(256)).ToArray(),
            B = baseCase.B,
            AZero = Enumerable.Range(0, 150).Select(i => i - 75).ToArray(),
            BZero = baseCase.BZero,
        };
        Assert.Null(perRow.Check(variant, ParallelRunner.Sequential));
        Assert.Null(perRow.Check(variant, new ParallelRunner(2)));
    }

    [Fact]
    public void LargeGemvMatchesTheReference()
    {
        var problem = Int8GemmCase.Random(new Random(3), 1, 1000, 4099, false, true);
        foreach (var variant in Int8Gemm.Supported)
            AssertMatches(problem, variant);
    }

    [Fact]
    public void SelfTestFindsNoMismatches()
    {
        var results = Int8GemmSelfTest.Run(seed: 42, cases: 40).ToList();
        Assert.Equal(Int8Gemm.Supported.Count - 1, results.Count);
        Assert.All(results, result => Assert.Equal((result.Variant, 40, 0), result));
    }

    [Fact]
    public void SupportedVariantsFollowTheCpu()
    {
        Assert.Equal(Int8GemmVariant.Reference, Int8Gemm.Supported[0]);
        Assert.Equal(Int8Gemm.Supported[^1], Int8Gemm.Best);
        Assert.True(!Int8Gemm.IsSupported(Int8GemmVariant.Avx512) || Avx512BW.IsSupported);
        Assert.True(!Int8Gemm.IsSupported(Int8GemmVariant.AvxVnni) || AvxVnni.IsSupported);
        Assert.True(!Int8Gemm.IsSupported(Int8GemmVariant.Avx512Vnni) || Avx512BW.IsSupported);
        Assert.True(!Int8Gemm.IsSupported(Int8GemmVariant.Dp) || Dp.IsSupported);
        Assert.True(!Int8Gemm.IsSupported(Int8GemmVariant.AdvSimd) || AdvSimd.Arm64.IsSupported);
        Assert.True(!Int8Gemm.IsSupported(Int8GemmVariant.Avx2) || Avx2.IsSupported);
    }

    [Fact]
    public void UnsupportedVariantCannotBePacked()
    {
        foreach (var variant in Enum.GetValues<Int8GemmVariant>().Where(v => !Int8Gemm.IsSupported(v)))
            Assert.Throws<NotSupportedException>(() => PackedInt8Matrix.Pack(new byte[4], false, 2, 2, variant: variant));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TooShortOperandsAreRejected(Int8GemmVariant variant)
    {
        var packed = PackedInt8Matrix.Pack(new byte[8 * 4], false, 8, 4, variant: variant);
        Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(new byte[15], false, 2, 8, [0], packed, [0], new int[8], 4, ParallelRunner.Sequential));
        Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(new byte[16], false, 2, 8, [0], packed, [0], new int[7], 4, ParallelRunner.Sequential));
    }

    private static void AssertMatches(Int8GemmCase problem, Int8GemmVariant variant)
    {
        string? mismatch = problem.Check(variant, ParallelRunner.Sequential);
        Assert.True(mismatch is null, mismatch);
    }
}

using Edge.Runtime.Operators;

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// One random int8 GEMM problem (shapes, signedness, zero points, strides, full-range values with the
/// extremes over-represented) and the check of a variant's result against the reference.
/// </summary>
internal sealed class Int8GemmCase
{
    /// <summary>Sizes around the kernels' block edges (4 rows, 16/32 columns, k pairs and quads).</summary>
    public static readonly int[] EdgeSizes = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255];

    private const int Sentinel = 0x5EED5EED;

    public required int M { get; init; }
    public required int N { get; init; }
    public required int K { get; init; }
    public required bool ASigned { get; init; }
    public required bool BSigned { get; init; }
    public required bool BTransposed { get; init; }
    public required int Lda { get; init; }
    public required int Ldc { get; init; }
    public required byte[] A { get; init; }
    public required byte[] B { get; init; }
    public required int[] AZero { get; init; }
    public required int[] BZero { get; init; }

    public override string ToString() =>
        $"M={M} N={N} K={K} A={(ASigned ? "s8" : "u8")} B={(BSigned ? "s8" : "u8")}{(BTransposed ? "ᵀ" : "")} lda={Lda} ldc={Ldc} " +
        $"aZero×{AZero.Length} bZero×{BZero.Length}";

    public static Int8GemmCase Random(Random random, int m, int n, int k, bool aSigned, bool bSigned)
    {
        int lda = k + (random.Next(3) == 0 ? random.Next(1, 9) : 0);
        int ldc = n + (random.Next(3) == 0 ? random.Next(1, 9) : 0);
        return new Int8GemmCase
        {
            M = m, N = n, K = k, ASigned = aSigned, BSigned = bSigned, BTransposed = random.Next(4) == 0,
            Lda = lda, Ldc = ldc,
            A = Values(random, m == 0 ? 0 : (m - 1) * lda + k),
            B = Values(random, k * n),
            AZero = ZeroPoints(random, random.Next(2) == 0 ? 1 : m, aSigned),
            BZero = ZeroPoints(random, random.Next(2) == 0 ? 1 : n, bSigned),
        };
    }

    public static Int8GemmCase Random(Random random)
    {
        var sizes = EdgeSizes;
        int m = sizes[random.Next(sizes.Length)], n = sizes[random.Next(sizes.Length)], k = sizes[random.Next(sizes.Length)];
        return Random(random, m, n, k, random.Next(2) == 0, random.Next(2) == 0);
    }

    /// <summary>Runs <paramref name="variant"/> and the reference; returns the first mismatch, or null when equal.</summary>
    public string? Check(Int8GemmVariant variant, ParallelRunner parallel)
    {
        var expected = Run(Int8GemmVariant.Reference, ParallelRunner.Sequential);
        var actual = Run(variant, parallel);
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
                return $"{variant} {this}: C[{i / Ldc},{i % Ldc}] = {actual[i]}, reference {expected[i]}";
        }
        return null;
    }

    /// <summary>C with its stride gaps (which must stay untouched) pre-filled with a sentinel.</summary>
    public int[] Run(Int8GemmVariant variant, ParallelRunner parallel)
    {
        var packed = PackedInt8Matrix.Pack(BTransposed ? Transpose(B, K, N) : B, BSigned, K, N, BTransposed, variant);
        var c = new int[M * Ldc];
        Array.Fill(c, Sentinel);
        Int8Gemm.Multiply(A, ASigned, M, Lda, AZero, packed, BZero, c, Ldc, parallel);
        return c;
    }

    private static byte[] Transpose(byte[] rowMajor, int rows, int cols)
    {
        var result = new byte[rowMajor.Length];
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < cols; col++)
                result[col * rows + row] = rowMajor[row * cols + col];
        return result;
    }

    private static byte[] Values(Random random, int count)
    {
        var values = new byte[count];
        random.NextBytes(values);
        // Runs of extremes are what saturates a careless vpmaddubsw; make sure they occur.
        for (int i = 0; i < count; i++)
        {
            int pick = random.Next(8);
            if (pick == 0) values[i] = 0x00;
            else if (pick == 1) values[i] = 0xFF;
            else if (pick == 2) values[i] = 0x80;
            else if (pick == 3) values[i] = 0x7F;
        }
        return values;
    }

    private static int[] ZeroPoints(Random random, int count, bool signed)
    {
        var zeros = new int[count];
        for (int i = 0; i < count; i++)
            zeros[i] = signed ? random.Next(-128, 128) : random.Next(0, 256);
        if (random.Next(4) == 0)
            Array.Clear(zeros);
        return zeros;
    }
}

using ILGPU;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>
/// int32 C = (A − aZero)(B − bZero[n]) computed as ΣAB − bZero·ΣA − aZero·ΣB + K·aZero·bZero: the raw
/// byte products go through <see cref="Dot4"/> (dp4a on CUDA), ΣB per column is packed with the weights
/// and ΣA falls out of a dot product with ones. Wrapping int32 arithmetic makes the rearrangement exact.
/// </summary>
internal static class GemmKernels
{
    /// <summary>Largest square tile side (static shared memory is sized for it).</summary>
    public const int MaxTile = 16;

    /// <summary>Words of K staged in shared memory per step of the tiled kernel.</summary>
    public const int ChunkWords = 16;

    /// <summary>Words of A's row staged per step of the GEMV kernel.</summary>
    public const int GemvChunkWords = 256;

    private const int Ones = 0x01010101;

    /// <summary>Tiled GEMM: one tile×tile group per output tile, A and B chunks staged in shared memory. Grid (⌈N/tile⌉, ⌈M/tile⌉).</summary>
    public static void Tiled(ArrayView<byte> a, ArrayView<int> bt, ArrayView<int> bColumnSums, ArrayView<int> bZero, ArrayView<byte> aZero, ArrayView<int> c, GemmShape s)
    {
        var aTile = SharedMemory.Allocate<int>(MaxTile * ChunkWords);
        var bTile = SharedMemory.Allocate<int>(MaxTile * ChunkWords);
        int tile = Group.DimX;
        int tx = Group.IdxX, ty = Group.IdxY;
        int threads = tile * tile, thread = ty * tile + tx;
        int rowBase = Grid.IdxY * tile, colBase = Grid.IdxX * tile;
        int dot = 0, rowSum = 0;
        for (int k0 = 0; k0 < s.KWords; k0 += ChunkWords)
        {
            for (int e = thread; e < tile * ChunkWords; e += threads)
                aTile[e] = PackA(a, rowBase + e / ChunkWords, k0 + e % ChunkWords, s);
            // Neighbouring threads read neighbouring columns of a packed row of B: coalesced loads.
            for (int e = thread; e < tile * ChunkWords; e += threads)
            {
                int r = e % tile, j = e / tile;
                int column = colBase + r, word = k0 + j;
                bTile[r * ChunkWords + j] = column < s.N && word < s.KWords ? bt[word * s.N + column] : 0;
            }
            Group.Barrier();
            for (int j = 0; j < ChunkWords; j++)
            {
                int av = aTile[ty * ChunkWords + j];
                dot = Dot4.Accumulate(av, bTile[tx * ChunkWords + j], dot, s.ASigned, s.BSigned);
                rowSum = Dot4.Accumulate(av, Ones, rowSum, s.ASigned, 0);
            }
            Group.Barrier();
        }
        int row = rowBase + ty, col = colBase + tx;
        if (row < s.M && col < s.N)
            c[row * s.N + col] = Combine(dot, rowSum, bColumnSums[col], bZero[col], Int8Math.Widen(aZero[0], s.ASigned), s.K);
    }

    /// <summary>Matrix–vector (small M): one thread per output column, A's row staged in shared memory. Grid (⌈N/group⌉, M).</summary>
    public static void Gemv(ArrayView<byte> a, ArrayView<int> bt, ArrayView<int> bColumnSums, ArrayView<int> bZero, ArrayView<byte> aZero, ArrayView<int> c, GemmShape s)
    {
        var aChunk = SharedMemory.Allocate<int>(GemvChunkWords);
        int col = Grid.IdxX * Group.DimX + Group.IdxX, row = Grid.IdxY;
        int dot = 0, rowSum = 0;
        for (int k0 = 0; k0 < s.KWords; k0 += GemvChunkWords)
        {
            for (int e = Group.IdxX; e < GemvChunkWords; e += Group.DimX)
                aChunk[e] = PackA(a, row, k0 + e, s);
            Group.Barrier();
            int words = s.KWords - k0 < GemvChunkWords ? s.KWords - k0 : GemvChunkWords;
            if (col < s.N)
            {
                // Word-major B: the group's threads read one contiguous run of words per step (coalesced).
                int bBase = k0 * s.N + col;
                for (int j = 0; j < words; j++)
                {
                    int av = aChunk[j];
                    dot = Dot4.Accumulate(av, bt[bBase + j * s.N], dot, s.ASigned, s.BSigned);
                    rowSum = Dot4.Accumulate(av, Ones, rowSum, s.ASigned, 0);
                }
            }
            Group.Barrier();
        }
        if (col < s.N)
            c[row * s.N + col] = Combine(dot, rowSum, bColumnSums[col], bZero[col], Int8Math.Widen(aZero[0], s.ASigned), s.K);
    }

    private static int Combine(int dot, int rowSum, int columnSum, int bZero, int aZero, int k) =>
        dot - bZero * rowSum - aZero * columnSum + k * aZero * bZero;

    /// <summary>Word <paramref name="word"/> of A's row (four bytes of K), zero beyond M or K.</summary>
    private static int PackA(ArrayView<byte> a, int row, int word, GemmShape s)
    {
        if (row >= s.M || word >= s.KWords)
            return 0;
        int k = word * 4, start = row * s.K + k;
        int packed = 0;
        for (int q = 0; q < 4; q++)
            if (k + q < s.K)
                packed |= a[start + q] << (8 * q);
        return packed;
    }
}

using Edge.Runtime.Ilgpu.Kernels;
using ILGPU;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>
/// Constant int8 weights packed for the device GEMM at build time — words of four consecutive k per
/// column, laid out word-major (see <see cref="GemmShape"/>), plus per-column sums and zero points — and the launch that
/// multiplies a run-time A by them (the GEMV kernel for a few rows, the tiled kernel otherwise).
/// </summary>
internal sealed class DeviceInt8Gemm
{
    private readonly ArrayView<int> _bt;
    private readonly ArrayView<int> _columnSums;
    private readonly ArrayView<int> _bZero;
    private readonly int _k;
    private readonly int _n;
    private readonly int _kWords;
    private readonly bool _bSigned;

    /// <param name="weights">B as K×N row-major, or N×K when <paramref name="transposed"/>.</param>
    /// <param name="bZero">One zero point per column.</param>
    public DeviceInt8Gemm(PartitionBuilder builder, ReadOnlySpan<byte> weights, bool signed, int k, int n, bool transposed, int[] bZero)
    {
        _k = k;
        _n = n;
        _kWords = (k + 3) / 4;
        _bSigned = signed;
        var packed = new byte[n * _kWords * 4];
        var sums = new int[n];
        for (int col = 0; col < n; col++)
            for (int kk = 0; kk < k; kk++)
            {
                byte b = transposed ? weights[col * k + kk] : weights[kk * n + col];
                packed[((kk / 4) * n + col) * 4 + kk % 4] = b;
                sums[col] += signed ? (sbyte)b : b;
            }
        _bt = builder.Upload<int>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(packed));
        _columnSums = builder.Upload<int>(sums);
        _bZero = builder.Upload<int>(bZero);
        // Compile both variants now: the first inference must not pay for it.
        DeviceLaunchers.Gemm(builder.Backend, vector: true);
        DeviceLaunchers.Gemm(builder.Backend, vector: false);
    }

    public int N => _n;

    /// <summary>Appends acc (M×N int32) = (A − aZero[0])(B − bZero) for a run-time A of M×K bytes.</summary>
    public void Launch(PartitionBuilder builder, ArrayView<byte> a, ArrayView<byte> aZero, bool aSigned, int m, ArrayView<int> acc, string name = "int8 gemm")
    {
        if (m == 0 || _n == 0)
            return;
        var backend = builder.Backend;
        var shape = new GemmShape { M = m, N = _n, K = _k, KWords = _kWords, ASigned = DeviceParameters.Flag(aSigned), BSigned = DeviceParameters.Flag(_bSigned) };
        var stream = builder.Stream;
        var (bt, sums, zeros) = (_bt, _columnSums, _bZero);
        int tile = backend.GemmTile;
        if (m < tile)
        {
            var gemv = DeviceLaunchers.Gemm(backend, vector: true);
            int group = backend.GroupSize;
            var config = new KernelConfig(new Index2D((_n + group - 1) / group, m), new Index2D(group, 1));
            builder.Launch($"{name} (gemv {m}x{_k}x{_n})", () => gemv(stream, config, a, bt, sums, zeros, aZero, acc, shape));
        }
        else
        {
            var tiled = DeviceLaunchers.Gemm(backend, vector: false);
            var config = new KernelConfig(new Index2D((_n + tile - 1) / tile, (m + tile - 1) / tile), new Index2D(tile, tile));
            builder.Launch($"{name} (tiled {m}x{_k}x{_n})", () => tiled(stream, config, a, bt, sums, zeros, aZero, acc, shape));
        }
    }
}

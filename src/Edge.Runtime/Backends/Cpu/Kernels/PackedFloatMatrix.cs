namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// The B operand (K×N float) of a <see cref="FloatGemm"/>, packed once (constant weights) in the
/// layout its <see cref="Variant"/> streams fastest: panels of <see cref="PanelWidth"/> columns,
/// each K rows of contiguous, zero-padded values (row-major K×N for the reference).
/// </summary>
public sealed class PackedFloatMatrix
{
    internal PackedFloatMatrix(int k, int n, FloatGemmVariant variant, float[] data)
    {
        K = k;
        N = n;
        Variant = variant;
        Data = data;
    }

    public int K { get; }

    public int N { get; }

    public FloatGemmVariant Variant { get; }

    /// <summary>Columns per packed panel (N for the reference's row-major layout).</summary>
    public int PanelWidth => FloatGemm.PanelWidth(Variant, N);

    internal float[] Data { get; }

    /// <summary>Bytes held, for memory telemetry.</summary>
    public long PackedBytes => Data.LongLength * sizeof(float);

    /// <summary>
    /// Packs B where B[k, n] = <paramref name="b"/>[k·<paramref name="rowStride"/> + n·<paramref name="columnStride"/>],
    /// multiplied by <paramref name="scale"/> (Gemm's alpha), for <paramref name="variant"/> (default: the best this CPU supports).
    /// </summary>
    public static PackedFloatMatrix Pack(ReadOnlySpan<float> b, int k, int n, int rowStride, int columnStride, float scale = 1f, FloatGemmVariant? variant = null)
    {
        var chosen = variant ?? FloatGemm.Best;
        if (!FloatGemm.IsSupported(chosen))
            throw new NotSupportedException($"float GEMM variant {chosen} is not supported on this CPU");
        if (k > 0 && n > 0 && (long)(k - 1) * rowStride + (long)(n - 1) * columnStride >= b.Length)
            throw new ArgumentException($"B has {b.Length} elements, too few for {k}x{n} with strides {rowStride},{columnStride}");
        var data = new float[FloatGemm.PackedLength(chosen, k, n)];
        FloatGemm.PackInto(chosen, b, k, n, rowStride, columnStride, scale, data);
        return new PackedFloatMatrix(k, n, chosen, data);
    }

    /// <summary>Packs B given row-major as K×N, or as N×K when <paramref name="transposed"/>.</summary>
    public static PackedFloatMatrix Pack(ReadOnlySpan<float> b, int k, int n, bool transposed = false, FloatGemmVariant? variant = null) =>
        transposed ? Pack(b, k, n, 1, k, 1f, variant) : Pack(b, k, n, n, 1, 1f, variant);
}

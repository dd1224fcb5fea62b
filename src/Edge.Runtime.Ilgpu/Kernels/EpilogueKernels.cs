using ILGPU;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>What happens to the int32 accumulators of a GEMM: requantization to 8 bits, or scaling to float.</summary>
internal static class EpilogueKernels
{
    /// <summary>Accumulators are Rows×Columns; output (row, col) goes to Offset + row·RowStride + col·ColumnStride.</summary>
    public struct RequantizeShape
    {
        public int Columns;
        public int Offset;
        public int RowStride;
        public int ColumnStride;
        public int HasBias;
        public int PerColumn;
        public int ZeroPoint;
        public int Signed;
    }

    /// <summary>Accumulators are Rows×Columns, written row-major.</summary>
    public struct ScaleShape
    {
        public int Columns;
        public int HasIntBias;
        public int HasBias;
        public int PerColumn;
    }

    /// <summary>y = saturate(roundEven(float(acc + bias[col]) · multiplier[col]) + zeroPoint), as the CPU requantizer.</summary>
    public static void Requantize(Index1D i, ArrayView<int> acc, ArrayView<int> bias, ArrayView<float> multipliers, ArrayView<byte> y, RequantizeShape s)
    {
        int row = i / s.Columns, col = i - row * s.Columns;
        int x = s.HasBias != 0 ? acc[i] + bias[col] : acc[i];
        float m = multipliers[s.PerColumn != 0 ? col : 0];
        y[s.Offset + row * s.RowStride + col * s.ColumnStride] = Int8Math.Quantize((float)x * m, s.ZeroPoint, s.Signed);
    }

    /// <summary>y[Offset + row·RowStride + col·ColumnStride] = acc (ConvInteger's int32 output in NCHW).</summary>
    public static void StoreInt32(Index1D i, ArrayView<int> acc, ArrayView<int> y, RequantizeShape s)
    {
        int row = i / s.Columns, col = i - row * s.Columns;
        y[s.Offset + row * s.RowStride + col * s.ColumnStride] = acc[i];
    }

    /// <summary>y = float(acc + intBias[col]) · (aScale · multiplier[col]) + bias[col]: MLAS's scale-bias output processor.</summary>
    public static void Scale(Index1D i, ArrayView<int> acc, ArrayView<int> intBias, ArrayView<float> aScale, ArrayView<float> multipliers, ArrayView<float> bias, ArrayView<float> y, ScaleShape s)
    {
        int col = i % s.Columns;
        int x = s.HasIntBias != 0 ? acc[i] + intBias[col] : acc[i];
        float scale = aScale[0] * multipliers[s.PerColumn != 0 ? col : 0];
        float v = (float)x * scale;
        y[i] = s.HasBias != 0 ? v + bias[col] : v;
    }
}

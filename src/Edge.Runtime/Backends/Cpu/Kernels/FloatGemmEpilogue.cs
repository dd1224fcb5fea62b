using System.Runtime.CompilerServices;
namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>The element-by-element epilogue for partial tiles and strided (e.g. transposed) C.</summary>
internal static unsafe class FloatGemmEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scalar(in FloatGemmJob job, float* tile, int tileStride, int row, int rows, int col, int cols, bool first, bool clamp)
    {
        // Infinite bounds make the clamp an identity (NaN included), so the loops need no branch for it.
        float min = clamp ? job.Activation.Min : float.NegativeInfinity;
        float max = clamp ? job.Activation.Max : float.PositiveInfinity;
        float* rowBias = first && job.Bias != null && job.BiasPerRow ? job.Bias + row : null;
        float* colBias = first && job.Bias != null && !job.BiasPerRow ? job.Bias + col : null;
        long rs = job.CRowStride, cs = job.CColStride;
        float* c = job.C + row * rs + col * cs;
        if (rs == 1)
        {
            // Transposed C (Conv writes NCHW this way): each tile column is a contiguous run of rows.
            for (int j = 0; j < cols; j++)
            {
                float* cj = c + j * cs;
                float cb = colBias != null ? colBias[j] : 0f;
                for (int r = 0; r < rows; r++)
                {
                    float v = tile[r * tileStride + j] + (first ? (rowBias != null ? rowBias[r] : cb) : cj[r]);
                    cj[r] = Math.Min(Math.Max(v, min), max);
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + r * rs;
            float rb = rowBias != null ? rowBias[r] : 0f;
            for (int j = 0; j < cols; j++)
            {
                float v = tile[r * tileStride + j] + (first ? (colBias != null ? colBias[j] : rb) : cr[j * cs]);
                cr[j * cs] = Math.Min(Math.Max(v, min), max);
            }
        }
    }
}

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>The element-by-element epilogue for partial tiles and strided (e.g. transposed) C.</summary>
internal static unsafe class FloatGemmEpilogue
{
    public static void Scalar(in FloatGemmJob job, float* tile, int tileStride, int row, int rows, int col, int cols, bool first, bool clamp)
    {
        float min = job.Activation.Min, max = job.Activation.Max;
        for (int r = 0; r < rows; r++)
        {
            float* cr = job.C + (row + r) * job.CRowStride + col * job.CColStride;
            float rowBias = job.Bias != null && job.BiasPerRow ? job.Bias[row + r] : 0f;
            for (int j = 0; j < cols; j++)
            {
                float v = tile[r * tileStride + j];
                if (!first)
                    v += cr[j * job.CColStride];
                else if (job.Bias != null)
                    v += job.BiasPerRow ? rowBias : job.Bias[col + j];
                if (clamp)
                    v = Math.Min(Math.Max(v, min), max);
                cr[j * job.CColStride] = v;
            }
        }
    }
}

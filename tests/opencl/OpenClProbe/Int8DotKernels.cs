using ILGPU;

namespace Edge.OpenClProbe;

/// <summary>
/// Int8 matrix-vector products with int32 accumulation, the core of the runtime's int8 GEMV:
/// y[r] = Σk (a[k] − aZero)·(w[r,k] − wZero), u8 activations and s8 weights over the full range.
/// </summary>
internal static class Int8DotKernels
{
    /// <summary>One row per thread, reading single bytes.</summary>
    public static void DotBytes(Index1D row, ArrayView<byte> a, ArrayView<sbyte> w, ArrayView<int> y, int k, int aZero, int wZero)
    {
        long offset = (long)row.X * k;
        int sum = 0;
        for (int i = 0; i < k; i++)
            sum += (a[i] - aZero) * (w[offset + i] - wZero);
        y[row] = sum;
    }

    /// <summary>
    /// One row per thread, reading four int8 per 32-bit word as GPU kernels do (k a multiple of 4):
    /// exercises the OpenCL code generator's shifts and sign extension, which the byte kernel does not.
    /// </summary>
    public static void DotPacked(Index1D row, ArrayView<int> a, ArrayView<int> w, ArrayView<int> y, int k, int aZero, int wZero)
    {
        int words = k / 4;
        long offset = (long)row.X * words;
        int sum = 0;
        for (int i = 0; i < words; i++)
        {
            int av = a[i];
            int wv = w[offset + i];
            for (int lane = 0; lane < 4; lane++)
            {
                int shift = lane * 8;
                int activation = (av >> shift) & 0xFF;
                int weight = (wv << (24 - shift)) >> 24;
                sum += (activation - aZero) * (weight - wZero);
            }
        }
        y[row] = sum;
    }
}

namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>Re-lays a row-major K×N B into the panel layout of <see cref="IInt8GemmKernel"/>.</summary>
internal static class Int8GemmPacking
{
    public static PackedInt8Matrix Pack<TKernel>(Int8GemmVariant variant, byte[] rowMajor, int k, int n, bool isSigned, int[] columnSums)
        where TKernel : IInt8GemmKernel
    {
        int width = TKernel.PanelWidth, group = TKernel.KGroup;
        int kPadded = RoundUp(k, group), panels = RoundUp(n, width) / width;
        var data = new byte[(long)panels * kPadded * width];
        // uint8 B is stored as int8 (b − 128), the kernels' only B form; the driver corrects for it.
        byte flip = isSigned ? (byte)0 : (byte)0x80;
        for (int panel = 0; panel < panels; panel++)
        {
            long panelStart = (long)panel * kPadded * width;
            int cols = Math.Min(width, n - panel * width);
            for (int kk = 0; kk < k; kk++)
            {
                long rowStart = panelStart + (long)(kk / group) * width * group + kk % group;
                long source = (long)kk * n + panel * width;
                for (int col = 0; col < cols; col++)
                    data[rowStart + col * group] = (byte)(rowMajor[source + col] ^ flip);
            }
        }
        return new PackedInt8Matrix(k, n, isSigned, variant, data, columnSums);
    }

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}

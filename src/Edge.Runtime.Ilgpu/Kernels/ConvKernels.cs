using ILGPU;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>Convolution as im2col + the int8 GEMM: patches are gathered per (image, group), padding filled with x's zero point so it adds nothing.</summary>
internal static class ConvKernels
{
    public struct PatchShape
    {
        public int InputOffset;
        public int Channels;
        public int Height;
        public int Width;
        public int KernelH;
        public int KernelW;
        public int StrideH;
        public int StrideW;
        public int DilationH;
        public int DilationW;
        public int PadTop;
        public int PadLeft;
        public int OutW;
        public int PatchSize;
    }

    /// <summary>patches[p, k] for output pixel p and k = (channel, ky, kx) of one group.</summary>
    public static void Im2Col(Index1D i, ArrayView<byte> x, ArrayView<byte> xZero, ArrayView<byte> patches, PatchShape s)
    {
        int pixel = i / s.PatchSize, k = i - pixel * s.PatchSize;
        int window = s.KernelH * s.KernelW;
        int channel = k / window, tap = k - channel * window;
        int ky = tap / s.KernelW, kx = tap - ky * s.KernelW;
        int oy = pixel / s.OutW, ox = pixel - oy * s.OutW;
        int iy = oy * s.StrideH - s.PadTop + ky * s.DilationH;
        int ix = ox * s.StrideW - s.PadLeft + kx * s.DilationW;
        patches[i] = iy >= 0 && iy < s.Height && ix >= 0 && ix < s.Width
            ? x[s.InputOffset + (channel * s.Height + iy) * s.Width + ix]
            : xZero[0];
    }
}

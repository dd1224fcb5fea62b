using Edge.Runtime.Operators.Quantization;

namespace Edge.Runtime.Tests.Operators.Quantization;

/// <summary>The int8 convolution engines' tests share this: geometry from ONNX-style arguments and the plain loops they must equal.</summary>
internal static class ConvolutionReference
{
    public static ConvGeometry Geometry(int[] x, int outChannels, int[] kernel, int group, int[] strides, int[] dilations, int[] pads)
    {
        var g = new ConvGeometry
        {
            Batch = x[0], Channels = x[1], Height = x[2], Width = x[3], OutChannels = outChannels, Group = group,
            KernelH = kernel[0], KernelW = kernel[1], StrideH = strides[0], StrideW = strides[1], DilationH = dilations[0], DilationW = dilations[1],
            PadTop = pads[0], PadLeft = pads[1],
        };
        g.OutH = (g.Height + pads[0] + pads[2] - (g.DilationH * (g.KernelH - 1) + 1)) / g.StrideH + 1;
        g.OutW = (g.Width + pads[1] + pads[3] - (g.DilationW * (g.KernelW - 1) + 1)) / g.StrideW + 1;
        return g;
    }

    /// <summary>Σ (x − x_zero)·(w − w_zero) one multiply-add at a time; <paramref name="wZero"/> per tensor (1 value) or per output channel.</summary>
    public static int[] DirectLoops(ConvGeometry g, byte[] input, bool xSigned, int xZero, byte[] weights, bool wSigned, int[] wZero)
    {
        var output = new int[g.Batch * g.OutChannels * g.OutPixels];
        int cpg = g.ChannelsPerGroup, n = g.OutChannelsPerGroup;
        for (int b = 0; b < g.Batch; b++)
            for (int oc = 0; oc < g.OutChannels; oc++)
                for (int oy = 0; oy < g.OutH; oy++)
                    for (int ox = 0; ox < g.OutW; ox++)
                    {
                        int sum = 0, zero = wZero.Length == 1 ? wZero[0] : wZero[oc];
                        for (int c = 0; c < cpg; c++)
                            for (int ky = 0; ky < g.KernelH; ky++)
                                for (int kx = 0; kx < g.KernelW; kx++)
                                {
                                    int iy = oy * g.StrideH - g.PadTop + ky * g.DilationH, ix = ox * g.StrideW - g.PadLeft + kx * g.DilationW;
                                    if (iy < 0 || iy >= g.Height || ix < 0 || ix >= g.Width)
                                        continue;
                                    byte xv = input[((b * g.Channels + oc / n * cpg + c) * g.Height + iy) * g.Width + ix];
                                    byte wv = weights[((oc * cpg + c) * g.KernelH + ky) * g.KernelW + kx];
                                    sum += ((xSigned ? (sbyte)xv : xv) - xZero) * ((wSigned ? (sbyte)wv : wv) - zero);
                                }
                        output[(b * g.OutChannels + oc) * g.OutPixels + oy * g.OutW + ox] = sum;
                    }
        return output;
    }

    public static int FirstMismatch(int[] expected, int[] actual) =>
        Enumerable.Range(0, expected.Length).First(i => expected[i] != actual[i]);
}

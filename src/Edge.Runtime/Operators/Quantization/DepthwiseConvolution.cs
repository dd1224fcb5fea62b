using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// Depthwise integer convolution (one input and one output channel per group) on the phase-split padded plane
/// of <see cref="ConvPhaseLayout"/>: each tap is a contiguous slice over the wide output pixels, so the
/// accumulation is a vector multiply-add per tap (integer arithmetic, so any order is exact).
/// </summary>
internal sealed class DepthwiseConvolution
{
    /// <summary>Slack after the plane, so the 8-wide loads of the last pixels stay in the buffer.</summary>
    private const int Slack = 8;

    private readonly ConvGeometry _g;
    private readonly ConvPhaseLayout _layout;
    private readonly int _accumulators;

    public DepthwiseConvolution(ConvGeometry geometry)
    {
        _g = geometry;
        _layout = new ConvPhaseLayout(geometry);
        _accumulators = (_layout.WidePixels + 7) & ~7;
    }

    /// <summary>The plane, the accumulators, and one sink row of bytes.</summary>
    public int WorkspaceBytes => Align(_layout.Bytes + Slack) + _accumulators * sizeof(int) + _layout.WidePixels;

    private static int Align(int bytes) => (bytes + 63) & ~63;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<TSink>(ReadOnlySpan<byte> x, bool xSigned, int xZero, ReadOnlySpan<byte> w, bool wSigned, ReadOnlySpan<int> wZero, Span<byte> workspace, ref TSink sink)
        where TSink : struct, IConvolutionSink, allows ref struct
    {
        var g = _g;
        int taps = g.KernelH * g.KernelW, imageSize = g.Height * g.Width, wide = _layout.WidePixels;
        int planeBytes = Align(_layout.Bytes + Slack);
        var plane = workspace[..(_layout.Bytes + Slack)];
        var acc = MemoryMarshal.Cast<byte, int>(workspace.Slice(planeBytes, _accumulators * sizeof(int)));
        var scratch = workspace.Slice(planeBytes + _accumulators * sizeof(int), wide);
        var offsets = _layout.RowOffsets;
        Span<int> weights = stackalloc int[taps];
        for (int b = 0; b < g.Batch; b++)
            for (int c = 0; c < g.Group; c++)
            {
                int zero = wZero.Length == 1 ? wZero[0] : wZero[c];
                for (int t = 0; t < taps; t++)
                    weights[t] = (wSigned ? (sbyte)w[c * taps + t] : w[c * taps + t]) - zero;
                ConvPatchPacker.Phases(g, _layout, x.Slice((b * g.Channels + c) * imageSize, imageSize), (byte)xZero, plane);
                Accumulate(plane, offsets, weights, xSigned, xZero, acc);
                sink.StoreChannels(b, c, 0, wide, _layout.RowWidth, acc, _accumulators, scratch);
            }
    }

    private static void Accumulate(ReadOnlySpan<byte> plane, int[] offsets, ReadOnlySpan<int> weights, bool xSigned, int xZero, Span<int> acc)
    {
        acc.Clear();
        int n = acc.Length;
        for (int t = 0; t < weights.Length; t++)
        {
            int weight = weights[t];
            if (weight == 0)
                continue;
            var source = plane[offsets[t]..];
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vWeight = Vector256.Create(weight);
                var vZero = Vector256.Create(xZero);
                for (; j + 8 <= n; j += 8)
                    (Vector256.Create((ReadOnlySpan<int>)acc.Slice(j, 8)) + vWeight * (Requantizer.WidenEight(source, j, xSigned) - vZero)).CopyTo(acc[j..]);
            }
            for (; j < n; j++)
                acc[j] += weight * ((xSigned ? (sbyte)source[j] : source[j]) - xZero);
        }
    }
}

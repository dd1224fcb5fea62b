using ILGPU;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>Max pooling over uint8/int8 planes (up to three spatial axes; padding never wins).</summary>
internal static class PoolKernels
{
    public struct PoolShape
    {
        public int InD, InH, InW;
        public int OutD, OutH, OutW;
        public int KD, KH, KW;
        public int SD, SH, SW;
        public int DD, DH, DW;
        public int PD, PH, PW;
        public int Signed;
    }

    public static void MaxPoolBytes(Index1D i, ArrayView<byte> x, ArrayView<byte> y, PoolShape s)
    {
        int outPlane = s.OutD * s.OutH * s.OutW;
        int plane = i / outPlane, o = i - plane * outPlane;
        int od = o / (s.OutH * s.OutW), rest = o - od * s.OutH * s.OutW;
        int oh = rest / s.OutW, ow = rest - oh * s.OutW;
        int inBase = plane * s.InD * s.InH * s.InW;
        int best = s.Signed != 0 ? -128 : 0;
        byte bestByte = s.Signed != 0 ? (byte)0x80 : (byte)0;
        for (int kd = 0; kd < s.KD; kd++)
        {
            int id = od * s.SD - s.PD + kd * s.DD;
            if (id < 0 || id >= s.InD)
                continue;
            for (int kh = 0; kh < s.KH; kh++)
            {
                int ih = oh * s.SH - s.PH + kh * s.DH;
                if (ih < 0 || ih >= s.InH)
                    continue;
                for (int kw = 0; kw < s.KW; kw++)
                {
                    int iw = ow * s.SW - s.PW + kw * s.DW;
                    if (iw < 0 || iw >= s.InW)
                        continue;
                    byte raw = x[inBase + (id * s.InH + ih) * s.InW + iw];
                    int v = Int8Math.Widen(raw, s.Signed);
                    if (v > best)
                    {
                        best = v;
                        bestByte = raw;
                    }
                }
            }
        }
        y[i] = bestByte;
    }
}

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// Where <see cref="ConvPatchPacker.Phases"/> puts one group's padded input, split into stride phases, and where in it
/// each tap's operand row starts. Output pixels run "wide": oy·<see cref="RowWidth"/> + ox, the columns past OutW
/// computed and dropped, which is what makes every tap's row one contiguous slice.
/// </summary>
internal sealed class ConvPhaseLayout
{
    public ConvPhaseLayout(ConvGeometry g)
    {
        int paddedH = (g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1;
        int paddedW = (g.OutW - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW + 1;
        RowWidth = (paddedW + g.StrideW - 1) / g.StrideW;
        // One spare row: a wide pixel's row may run past its phase row into the next.
        PlaneRows = (paddedH + g.StrideH - 1) / g.StrideH + 1;
        PlaneBytes = PlaneRows * RowWidth;
        ChannelBytes = g.StrideH * g.StrideW * PlaneBytes;
        Bytes = g.ChannelsPerGroup * ChannelBytes;
        WidePixels = g.OutH * RowWidth;
        _strideW = g.StrideW;
        _phaseUsed = new bool[g.StrideH * g.StrideW];
        for (int ky = 0; ky < g.KernelH; ky++)
            for (int kx = 0; kx < g.KernelW; kx++)
                _phaseUsed[ky * g.DilationH % g.StrideH * g.StrideW + kx * g.DilationW % g.StrideW] = true;
        RowOffsets = new int[g.PatchSize];
        int kk = 0;
        for (int c = 0; c < g.ChannelsPerGroup; c++)
            for (int ky = 0; ky < g.KernelH; ky++)
                for (int kx = 0; kx < g.KernelW; kx++)
                {
                    int y = ky * g.DilationH, x = kx * g.DilationW;
                    RowOffsets[kk++] = PhasePlaneOffset(c, y % g.StrideH, x % g.StrideW) + y / g.StrideH * RowWidth + x / g.StrideW;
                }
    }

    private readonly int _strideW;
    private readonly bool[] _phaseUsed;

    /// <summary>Whether any tap reads phase (py, px): a 1×1 stride-2 kernel reads one of four.</summary>
    public bool PhaseUsed(int py, int px) => _phaseUsed[py * _strideW + px];

    /// <summary>Wide output pixels per output row, and bytes per row of a phase plane.</summary>
    public int RowWidth { get; }

    public int PlaneRows { get; }

    public int PlaneBytes { get; }

    public int ChannelBytes { get; }

    /// <summary>Bytes of the whole phase-split image of one group.</summary>
    public int Bytes { get; }

    /// <summary>OutH · RowWidth.</summary>
    public int WidePixels { get; }

    /// <summary>Per tap (channel, ky, kx): where its row over the wide output pixels starts.</summary>
    public int[] RowOffsets { get; }

    public int PhasePlaneOffset(int channel, int py, int px) => channel * ChannelBytes + (py * _strideW + px) * PlaneBytes;
}

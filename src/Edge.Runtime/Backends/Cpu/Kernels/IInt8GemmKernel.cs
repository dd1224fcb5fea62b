namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>
/// One optimised variant's panel kernel. B is packed in panels of <see cref="PanelWidth"/> columns; inside a
/// panel, for each group of <see cref="KGroup"/> consecutive k, the columns follow each other and each holds
/// its group's k values contiguously. B is stored as int8 (uint8 B flipped by XOR 0x80); K and N are zero-padded.
/// </summary>
internal interface IInt8GemmKernel
{
    static abstract int PanelWidth { get; }

    static abstract int KGroup { get; }

    static abstract Int8GemmAForm AForm { get; }

    /// <summary>
    /// For <paramref name="rows"/> prepared A rows (stride <paramref name="aStride"/> bytes) and one panel, computes
    /// P = Σ_k a·b and stores C = P + rowSum[m]·q[n] + p[m]·r[n] for the first <paramref name="validCols"/> columns.
    /// <paramref name="q"/> and <paramref name="r"/> point at the panel's first column; <paramref name="rowSum"/>,
    /// <paramref name="p"/> and <paramref name="c"/> at the first row.
    /// </summary>
    static abstract unsafe void Run(byte* a, nint aStride, int rows, byte* panel, int kGroups,
        int* rowSum, int* p, int* q, int* r, int* c, nint ldc, int validCols);
}

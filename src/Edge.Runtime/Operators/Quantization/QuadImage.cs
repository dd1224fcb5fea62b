using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// The input layout of <see cref="DirectInt8Convolution"/>: one group's padded image split into the stride phases its taps
/// read (as <see cref="ConvPhaseLayout"/>), with channels in quads, the four channels of a quad interleaved per pixel. Quad
/// plane (q, phase) holds padded pixel (y′·strideH + py, x′·strideW + px) at 4·(y′·<see cref="RowWidth"/> + x′); a tap's
/// operand over wide output pixels j.. (j = oy·RowWidth + ox) then starts at <see cref="TapOffsets"/>[tap] + 4·j.
/// </summary>
internal sealed class QuadImage
{
    private readonly ConvGeometry _g;
    private readonly ConvPhaseLayout _layout;
    private readonly int[] _slots;
    private readonly bool[] _rowPhaseUsed;

    public QuadImage(ConvGeometry geometry)
    {
        _g = geometry;
        _layout = new ConvPhaseLayout(geometry);
        RowWidth = _layout.RowWidth;
        Quads = (geometry.ChannelsPerGroup + 3) / 4;
        WidePixels = geometry.OutH * RowWidth;
        _slots = new int[geometry.StrideH * geometry.StrideW];
        int used = 0;
        for (int phase = 0; phase < _slots.Length; phase++)
            _slots[phase] = _layout.PhaseUsed(phase / geometry.StrideW, phase % geometry.StrideW) ? used++ : -1;
        // A 1×1 stride-2 kernel reads no odd input row: those are never interleaved.
        _rowPhaseUsed = new bool[geometry.StrideH];
        for (int phase = 0; phase < _slots.Length; phase++)
            _rowPhaseUsed[phase / geometry.StrideW] |= _slots[phase] >= 0;
        PlaneBytes = checked(_layout.PlaneRows * RowWidth * 4);
        QuadBytes = checked(used * PlaneBytes);
        TapOffsets = new int[geometry.KernelH * geometry.KernelW];
        for (int ky = 0; ky < geometry.KernelH; ky++)
            for (int kx = 0; kx < geometry.KernelW; kx++)
            {
                int y = ky * geometry.DilationH, x = kx * geometry.DilationW;
                int slot = _slots[y % geometry.StrideH * geometry.StrideW + x % geometry.StrideW];
                TapOffsets[ky * geometry.KernelW + kx] = slot * PlaneBytes + (y / geometry.StrideH * RowWidth + x / geometry.StrideW) * 4;
            }
        // The last panel reads up to a panel past the wide pixels (their results are dropped): that must stay inside the buffer.
        long lastRead = (long)(Quads - 1) * QuadBytes + TapOffsets.Max() + ((WidePixels + 31) & ~31) * 4L;
        Bytes = checked((int)((Math.Max(lastRead, (long)Quads * QuadBytes) + 64 + 63) & ~63));
        GatherBytes = geometry.StrideW > 1 ? 4 * geometry.Width : 0;
    }

    public int Quads { get; }

    /// <summary>Wide output pixels per output row (OutW and the dropped columns).</summary>
    public int RowWidth { get; }

    /// <summary>OutH · <see cref="RowWidth"/>.</summary>
    public int WidePixels { get; }

    public int PlaneBytes { get; }

    /// <summary>Bytes from one channel quad's planes to the next.</summary>
    public int QuadBytes { get; }

    /// <summary>Per tap (ky, kx): where its operand starts, relative to 4 · the first wide pixel.</summary>
    public int[] TapOffsets { get; }

    /// <summary>The buffer <see cref="Fill"/> writes, slack for the last panel included.</summary>
    public int Bytes { get; }

    /// <summary>Scratch for a strided input row, interleaved whole.</summary>
    public int GatherBytes { get; }

    /// <summary>
    /// Writes one group's NCHW <paramref name="image"/>, every byte XOR <paramref name="flip"/>; outside the image
    /// <paramref name="pad"/> (already flipped). Channels past the group's last in its quad get arbitrary values (their weights are 0).
    /// </summary>
    /// <param name="fillPadding">False where <paramref name="destination"/> already holds an earlier image of this layout with the same pad.</param>
    /// <param name="firstQuad">The first channel quad to write (threads split the quads).</param>
    /// <param name="endQuad">One past the last quad to write; the last quad's writer also pads the slack.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(ReadOnlySpan<byte> image, byte pad, byte flip, Span<byte> destination, Span<byte> gather, bool fillPadding, int firstQuad, int endQuad)
    {
        var g = _g;
        if (fillPadding)
            destination[(firstQuad * QuadBytes)..(endQuad == Quads ? Bytes : endQuad * QuadBytes)].Fill(pad);
        int plane = g.Height * g.Width, width = RowWidth, strideW = g.StrideW, strideH = g.StrideH, channels = g.ChannelsPerGroup;
        for (int quad = firstQuad; quad < endQuad; quad++)
        {
            var quadBytes = destination.Slice(quad * QuadBytes, QuadBytes);
            int c0 = quad * 4, c1 = Math.Min(c0 + 1, channels - 1), c2 = Math.Min(c0 + 2, channels - 1), c3 = Math.Min(c0 + 3, channels - 1);
            for (int iy = 0; iy < g.Height; iy++)
            {
                int py = (iy + g.PadTop) % strideH, y = (iy + g.PadTop) / strideH;
                if (!_rowPhaseUsed[py] || y >= _layout.PlaneRows)
                    continue;
                var r0 = image.Slice(c0 * plane + iy * g.Width, g.Width);
                var r1 = image.Slice(c1 * plane + iy * g.Width, g.Width);
                var r2 = image.Slice(c2 * plane + iy * g.Width, g.Width);
                var r3 = image.Slice(c3 * plane + iy * g.Width, g.Width);
                // Strided rows are interleaved whole once, then each phase picks its pixels four bytes at a time.
                var row = strideW == 1 ? default : gather[..(4 * g.Width)];
                if (strideW > 1)
                    Interleave(r0, r1, r2, r3, flip, row);
                for (int px = 0; px < strideW; px++)
                {
                    int slot = _slots[py * strideW + px];
                    if (slot < 0)
                        continue;
                    int ix0 = px - g.PadLeft;
                    int begin = ix0 >= 0 ? 0 : Math.Min(width, (-ix0 + strideW - 1) / strideW);
                    int end = Math.Max(begin, ix0 >= g.Width ? 0 : Math.Min(width, (g.Width - 1 - ix0) / strideW + 1));
                    if (end == begin)
                        continue;
                    int start = ix0 + begin * strideW;
                    var target = quadBytes.Slice(slot * PlaneBytes + (y * width + begin) * 4, (end - begin) * 4);
                    if (strideW == 1)
                        Interleave(r0.Slice(start, end - begin), r1.Slice(start, end - begin), r2.Slice(start, end - begin), r3.Slice(start, end - begin), flip, target);
                    else
                        PickPixels(row, start, strideW, target);
                }
            }
        }
    }

    /// <summary>target pixel i = the 4-byte pixel <paramref name="start"/> + i·<paramref name="stride"/> of <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PickPixels(ReadOnlySpan<byte> row, int start, int stride, Span<byte> target)
    {
        var from = MemoryMarshal.Cast<byte, uint>(row);
        var to = MemoryMarshal.Cast<byte, uint>(target);
        int i = 0;
        if (stride == 2 && Vector256.IsHardwareAccelerated)
        {
            // Pixel pairs as 64-bit lanes: the even pixel is the low half, the odd one the high half.
            var pairs = MemoryMarshal.Cast<uint, ulong>(from[(start - (start & 1))..]);
            bool high = (start & 1) != 0;
            for (; i + 8 <= to.Length && i + 8 <= pairs.Length; i += 8)
            {
                var a = Vector256.Create(pairs.Slice(i, 4));
                var b = Vector256.Create(pairs.Slice(i + 4, 4));
                if (high)
                {
                    a = Vector256.ShiftRightLogical(a, 32);
                    b = Vector256.ShiftRightLogical(b, 32);
                }
                Vector256.Narrow(a, b).CopyTo(to[i..]);
            }
        }
        for (; i < to.Length; i++)
            to[i] = from[start + i * stride];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interleave(ReadOnlySpan<byte> r0, ReadOnlySpan<byte> r1, ReadOnlySpan<byte> r2, ReadOnlySpan<byte> r3, byte flip, Span<byte> destination)
    {
        int length = r0.Length, i = 0;
        if (Sse2.IsSupported)
        {
            var flipVector = Vector128.Create(flip);
            for (; i + 16 <= length || (i < length && length >= 16); i += 16)
            {
                // The tail as one last overlapping block: rewriting a few pixels with the same bytes beats a scalar loop.
                if (i + 16 > length)
                    i = length - 16;
                var a = Vector128.Create(r0.Slice(i, 16)) ^ flipVector;
                var b = Vector128.Create(r1.Slice(i, 16)) ^ flipVector;
                var c = Vector128.Create(r2.Slice(i, 16)) ^ flipVector;
                var d = Vector128.Create(r3.Slice(i, 16)) ^ flipVector;
                var abLow = Sse2.UnpackLow(a, b).AsUInt16();
                var abHigh = Sse2.UnpackHigh(a, b).AsUInt16();
                var cdLow = Sse2.UnpackLow(c, d).AsUInt16();
                var cdHigh = Sse2.UnpackHigh(c, d).AsUInt16();
                var target = destination[(4 * i)..];
                Sse2.UnpackLow(abLow, cdLow).AsByte().CopyTo(target);
                Sse2.UnpackHigh(abLow, cdLow).AsByte().CopyTo(target[16..]);
                Sse2.UnpackLow(abHigh, cdHigh).AsByte().CopyTo(target[32..]);
                Sse2.UnpackHigh(abHigh, cdHigh).AsByte().CopyTo(target[48..]);
            }
        }
        if (Sse2.IsSupported && length >= 8 && i < length)
        {
            // Short rows (small images): eight pixels at a time, the last block overlapping.
            var flipVector = Vector128.Create(flip);
            for (; i < length; i += 8)
            {
                if (i + 8 > length)
                    i = length - 8;
                var a = Vector128.CreateScalar(MemoryMarshal.Read<ulong>(r0[i..])).AsByte() ^ flipVector;
                var b = Vector128.CreateScalar(MemoryMarshal.Read<ulong>(r1[i..])).AsByte() ^ flipVector;
                var c = Vector128.CreateScalar(MemoryMarshal.Read<ulong>(r2[i..])).AsByte() ^ flipVector;
                var d = Vector128.CreateScalar(MemoryMarshal.Read<ulong>(r3[i..])).AsByte() ^ flipVector;
                var ab = Sse2.UnpackLow(a, b).AsUInt16();
                var cd = Sse2.UnpackLow(c, d).AsUInt16();
                var target = destination[(4 * i)..];
                Sse2.UnpackLow(ab, cd).AsByte().CopyTo(target);
                Sse2.UnpackHigh(ab, cd).AsByte().CopyTo(target[16..]);
            }
        }
        if (Sse2.IsSupported && length >= 4 && i < length)
        {
            var flipVector = Vector128.Create(flip);
            for (; i < length; i += 4)
            {
                if (i + 4 > length)
                    i = length - 4;
                var a = Vector128.CreateScalar(MemoryMarshal.Read<uint>(r0[i..])).AsByte() ^ flipVector;
                var b = Vector128.CreateScalar(MemoryMarshal.Read<uint>(r1[i..])).AsByte() ^ flipVector;
                var c = Vector128.CreateScalar(MemoryMarshal.Read<uint>(r2[i..])).AsByte() ^ flipVector;
                var d = Vector128.CreateScalar(MemoryMarshal.Read<uint>(r3[i..])).AsByte() ^ flipVector;
                Sse2.UnpackLow(Sse2.UnpackLow(a, b).AsUInt16(), Sse2.UnpackLow(c, d).AsUInt16()).AsByte().CopyTo(destination[(4 * i)..]);
            }
        }
        for (; i < length; i++)
        {
            destination[4 * i] = (byte)(r0[i] ^ flip);
            destination[4 * i + 1] = (byte)(r1[i] ^ flip);
            destination[4 * i + 2] = (byte)(r2[i] ^ flip);
            destination[4 * i + 3] = (byte)(r3[i] ^ flip);
        }
    }
}

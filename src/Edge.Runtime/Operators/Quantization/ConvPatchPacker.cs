using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// Builds the patch operand of a packed int8 convolution: the padded, stride-phase-split input (in which each
/// tap's row over the output pixels is one contiguous slice, so there is no im2col) and its re-layout into the GEMM
/// kernel's B panels (<see cref="Backends.Cpu.Kernels.IInt8GemmKernel"/>: panels of <c>width</c> columns,
/// <c>group</c> consecutive k per column contiguous, uint8 flipped to int8 by XOR 0x80).
/// </summary>
internal static class ConvPatchPacker
{
    /// <summary>
    /// Writes one group's <paramref name="image"/> padded with <paramref name="pad"/> and split by stride phase: channel c,
    /// phase (py, px) holds padded pixel (y'·strideH + py, x'·strideW + px) at y'·<see cref="ConvPhaseLayout.RowWidth"/> + x'.
    /// Then every tap's operand row over the wide output pixels (oy·RowWidth + ox) is one contiguous slice.
    /// </summary>
    /// <param name="fillPadding">False where <paramref name="phases"/> already holds an earlier image's phases with the same pad: images overwrite the same in-image bytes, so the padding is still in place.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Phases(ConvGeometry g, ConvPhaseLayout layout, ReadOnlySpan<byte> image, byte pad, Span<byte> phases, bool fillPadding = true)
    {
        int plane = g.Height * g.Width, width = layout.RowWidth, planeRows = layout.PlaneRows;
        for (int c = 0; c < g.ChannelsPerGroup; c++)
        {
            var channel = image.Slice(c * plane, plane);
            for (int py = 0; py < g.StrideH; py++)
                for (int px = 0; px < g.StrideW; px++)
                {
                    if (!layout.PhaseUsed(py, px))
                        continue;
                    var destination = phases.Slice(layout.PhasePlaneOffset(c, py, px), planeRows * width);
                    // One fill for all the padding, then the in-image part of each row: small rows made per-row fills the cost.
                    if (fillPadding)
                        destination.Fill(pad);
                    int stride = g.StrideW, ix0 = px - g.PadLeft;
                    // Column x' reads input column ix0 + x'·stride: the in-image ones form one range.
                    int begin = ix0 >= 0 ? 0 : Math.Min(width, (-ix0 + stride - 1) / stride);
                    int end = Math.Max(begin, ix0 >= g.Width ? 0 : Math.Min(width, (g.Width - 1 - ix0) / stride + 1));
                    if (end == begin)
                        continue;
                    for (int y = 0; y < planeRows; y++)
                    {
                        int iy = y * g.StrideH + py - g.PadTop;
                        if ((uint)iy < (uint)g.Height)
                            Gather(channel.Slice(iy * g.Width, g.Width), ix0 + begin * stride, stride, destination.Slice(y * width + begin, end - begin));
                    }
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Gather(ReadOnlySpan<byte> line, int start, int stride, Span<byte> destination)
    {
        if (stride == 1 && destination.Length <= 16)
        {
            // Tiny images' rows: a call to memmove costs more than the bytes.
            var source = line.Slice(start, destination.Length);
            fixed (byte* from = source)
            fixed (byte* to = destination)
            {
                int i = 0;
                for (; i + 8 <= source.Length; i += 8)
                    Unsafe.WriteUnaligned(to + i, Unsafe.ReadUnaligned<ulong>(from + i));
                for (; i + 4 <= source.Length; i += 4)
                    Unsafe.WriteUnaligned(to + i, Unsafe.ReadUnaligned<uint>(from + i));
                for (; i < source.Length; i++)
                    to[i] = from[i];
            }
            return;
        }
        if (stride == 1)
        {
            line.Slice(start, destination.Length).CopyTo(destination);
            return;
        }
        int j = 0;
        if (stride == 2 && Vector128.IsHardwareAccelerated)
        {
            var low = Vector128.Create((ushort)0xFF);
            for (; j + 16 <= destination.Length && start + 2 * j + 32 <= line.Length; j += 16)
            {
                var first = Vector128.Create(line.Slice(start + 2 * j, 16)).AsUInt16() & low;
                var second = Vector128.Create(line.Slice(start + 2 * j + 16, 16)).AsUInt16() & low;
                Vector128.Narrow(first, second).CopyTo(destination[j..]);
            }
        }
        for (; j < destination.Length; j++)
            destination[j] = line[start + j * stride];
    }

    /// <summary>
    /// Lays out <paramref name="k"/> rows of <paramref name="columns"/> bytes (row kk at <paramref name="rowOffsets"/>[kk]) as
    /// panels of <paramref name="width"/> columns and k groups of <paramref name="group"/>, zero-padded in k and in the last panel's columns.
    /// </summary>
    /// <param name="overread">Whether rows may be read a whole panel past <paramref name="columns"/> (the extra columns' results are dropped).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Panels(ReadOnlySpan<byte> rows, ReadOnlySpan<int> rowOffsets, int k, int columns, int width, int group, byte flip, Span<byte> panels, bool overread)
    {
        int kPadded = (k + group - 1) / group * group, panelBytes = kPadded * width;
        for (int col0 = 0, panel = 0; col0 < columns; col0 += width, panel++)
        {
            var destination = panels.Slice(panel * panelBytes, panelBytes);
            int valid = Math.Min(width, columns - col0);
            int kk = 0;
            if ((valid == width || overread) && width % 16 == 0)
                kk = PanelVector(rows, rowOffsets, k, col0, width, group, flip, destination);
            if (kk == 0 && valid < width)
                destination.Clear();
            for (; kk < kPadded; kk++)
            {
                int lineStart = kk / group * width * group + kk % group;
                if (kk >= k)
                {
                    for (int col = 0; col < width; col++)
                        destination[lineStart + col * group] = 0;
                    continue;
                }
                var row = rows.Slice(rowOffsets[kk] + col0, valid);
                for (int col = 0; col < valid; col++)
                    destination[lineStart + col * group] = (byte)(row[col] ^ flip);
            }
        }
    }

    /// <summary>Full panels, 16 columns at a time; returns how many k rows it laid out (the rest go the scalar way).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PanelVector(ReadOnlySpan<byte> rows, ReadOnlySpan<int> rowOffsets, int k, int col0, int width, int group, byte flip, Span<byte> destination)
    {
        var flipVector = Vector128.Create(flip);
        int kk = 0;
        if (group == 1 && Vector128.IsHardwareAccelerated)
        {
            for (; kk < k; kk++)
                for (int c = 0; c < width; c += 16)
                    (Vector128.Create(rows.Slice(rowOffsets[kk] + col0 + c, 16)) ^ flipVector).CopyTo(destination[(kk * width + c)..]);
        }
        else if (group == 2 && Avx2.IsSupported && width % 32 == 0)
        {
            kk = PairsAvx2(rows, rowOffsets, k, col0, width, flip, destination);
        }
        else if (group == 2 && Sse2.IsSupported)
        {
            for (; kk + 2 <= k; kk += 2)
            {
                int line = kk / 2 * width * 2;
                for (int c = 0; c < width; c += 16)
                {
                    var a = Vector128.Create(rows.Slice(rowOffsets[kk] + col0 + c, 16)) ^ flipVector;
                    var b = Vector128.Create(rows.Slice(rowOffsets[kk + 1] + col0 + c, 16)) ^ flipVector;
                    Sse2.UnpackLow(a, b).CopyTo(destination[(line + 2 * c)..]);
                    Sse2.UnpackHigh(a, b).CopyTo(destination[(line + 2 * c + 16)..]);
                }
            }
        }
        else if (group == 4 && Sse2.IsSupported)
        {
            for (; kk + 4 <= k; kk += 4)
            {
                int line = kk / 4 * width * 4;
                for (int c = 0; c < width; c += 16)
                {
                    var a = Vector128.Create(rows.Slice(rowOffsets[kk] + col0 + c, 16)) ^ flipVector;
                    var b = Vector128.Create(rows.Slice(rowOffsets[kk + 1] + col0 + c, 16)) ^ flipVector;
                    var e = Vector128.Create(rows.Slice(rowOffsets[kk + 2] + col0 + c, 16)) ^ flipVector;
                    var f = Vector128.Create(rows.Slice(rowOffsets[kk + 3] + col0 + c, 16)) ^ flipVector;
                    var abLow = Sse2.UnpackLow(a, b).AsUInt16();
                    var abHigh = Sse2.UnpackHigh(a, b).AsUInt16();
                    var efLow = Sse2.UnpackLow(e, f).AsUInt16();
                    var efHigh = Sse2.UnpackHigh(e, f).AsUInt16();
                    int at = line + 4 * c;
                    Sse2.UnpackLow(abLow, efLow).AsByte().CopyTo(destination[at..]);
                    Sse2.UnpackHigh(abLow, efLow).AsByte().CopyTo(destination[(at + 16)..]);
                    Sse2.UnpackLow(abHigh, efHigh).AsByte().CopyTo(destination[(at + 32)..]);
                    Sse2.UnpackHigh(abHigh, efHigh).AsByte().CopyTo(destination[(at + 48)..]);
                }
            }
        }
        return kk;
    }

    /// <summary>Pairs of rows, 32 columns at a time: unpacking interleaves within 128-bit lanes, the permutes put the lanes in column order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int PairsAvx2(ReadOnlySpan<byte> rows, ReadOnlySpan<int> rowOffsets, int k, int col0, int width, byte flip, Span<byte> destination)
    {
        var flipVector = Vector256.Create(flip);
        int kk = 0;
        fixed (byte* source = rows)
        fixed (byte* target = destination)
        {
            for (; kk + 2 <= k; kk += 2)
            {
                byte* first = source + rowOffsets[kk] + col0, second = source + rowOffsets[kk + 1] + col0;
                byte* line = target + kk / 2 * width * 2;
                for (int c = 0; c < width; c += 32)
                {
                    var a = Vector256.Load(first + c) ^ flipVector;
                    var b = Vector256.Load(second + c) ^ flipVector;
                    var low = Avx2.UnpackLow(a, b);
                    var high = Avx2.UnpackHigh(a, b);
                    Avx2.Permute2x128(low, high, 0x20).Store(line + 2 * c);
                    Avx2.Permute2x128(low, high, 0x31).Store(line + 2 * c + 32);
                }
            }
        }
        return kk;
    }

    /// <summary>sums[col] = Σ_k (row value − <paramref name="zero"/>) over the first <paramref name="columns"/> columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums(ReadOnlySpan<byte> rows, ReadOnlySpan<int> rowOffsets, int k, int columns, bool signed, int zero, Span<int> sums)
    {
        sums[..columns].Fill(unchecked(-k * zero));
        int first = 0;
        if (Avx2.IsSupported)
            for (; first + 16 <= columns; first += 16)
                SixteenColumnSums(rows, rowOffsets, k, first, signed, sums.Slice(first, 16));
        for (int kk = 0; kk < k; kk++)
        {
            var row = rows.Slice(rowOffsets[kk], columns);
            int col = first;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; col + 8 <= columns; col += 8)
                    (Vector256.Create((ReadOnlySpan<int>)sums.Slice(col, 8)) + Requantizer.WidenEight(row, col, signed)).CopyTo(sums[col..]);
            }
            for (; col < columns; col++)
                sums[col] += signed ? (sbyte)row[col] : row[col];
        }
    }

    /// <summary>
    /// Sixteen columns' sums kept in registers across k: int16 partial sums of up to 128 rows (|128 · 255| fits), then
    /// widened, instead of a load and store of the int32 sums per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SixteenColumnSums(ReadOnlySpan<byte> rows, ReadOnlySpan<int> rowOffsets, int k, int col, bool signed, Span<int> sums)
    {
        var low = Vector256.Create((ReadOnlySpan<int>)sums[..8]);
        var high = Vector256.Create((ReadOnlySpan<int>)sums.Slice(8, 8));
        for (int k0 = 0; k0 < k; k0 += 128)
        {
            var partial = Vector256<short>.Zero;
            int end = Math.Min(k, k0 + 128);
            for (int kk = k0; kk < end; kk++)
            {
                var bytes = Vector128.Create(rows.Slice(rowOffsets[kk] + col, 16));
                partial += signed ? Avx2.ConvertToVector256Int16(bytes.AsSByte()) : Avx2.ConvertToVector256Int16(bytes);
            }
            low += Avx2.ConvertToVector256Int32(partial.GetLower());
            high += Avx2.ConvertToVector256Int32(partial.GetUpper());
        }
        low.CopyTo(sums);
        high.CopyTo(sums[8..]);
    }
}

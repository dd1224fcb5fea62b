using System.Runtime.InteropServices;

namespace Edge.Runtime.Operators.Layout;

/// <summary>
/// Copies a strided view of an input (permuted, sliced, broadcast) into a contiguous output, for any
/// element size. Prepared once per kernel: axes of size 1 are dropped and axes that stay contiguous
/// in the input are merged, so most views reduce to runs copied with <see cref="Span{T}.CopyTo"/>,
/// a batched 2-D transpose done in cache tiles, or a single strided loop.
/// </summary>
internal sealed class StridedCopy
{
    private const int Tile = 16;

    private readonly int _elementSize;
    private readonly int[] _outerDims;
    private readonly int[] _outerStrides;
    private readonly int _outerCount;
    private readonly int _baseOffset;
    private readonly int _innerCount;
    private readonly int _innerStride;
    private readonly bool _empty;

    // Batched 2-D transpose: the last outer axis reads contiguously while the inner one jumps.
    private readonly bool _tiled;

    private StridedCopy(int elementSize, int[] dims, int[] strides, int baseOffset, bool empty)
    {
        _elementSize = elementSize;
        _baseOffset = baseOffset;
        _empty = empty;
        if (empty || dims.Length == 0)
        {
            dims = [1];
            strides = [1];
        }
        int last = dims.Length - 1;
        _innerCount = dims[last];
        _innerStride = strides[last];
        _outerDims = dims[..last];
        _outerStrides = strides[..last];
        _outerCount = 1;
        foreach (int d in _outerDims)
            _outerCount *= d;
        _tiled = _innerStride != 1 && _innerStride != 0 && last >= 1 && _outerStrides[last - 1] == 1
            && _innerCount >= 4 && _outerDims[last - 1] >= 4;
    }

    /// <summary>
    /// Plans out[i0..in] = in[baseOffset + Σ ik·inputStrides[k]] over <paramref name="outputDims"/>
    /// (strides and offset in elements; strides may be 0 to broadcast or negative to reverse).
    /// </summary>
    public static StridedCopy Create(ReadOnlySpan<int> outputDims, ReadOnlySpan<int> inputStrides, int baseOffset, int elementSize)
    {
        var dims = new List<int>(outputDims.Length);
        var strides = new List<int>(outputDims.Length);
        for (int k = 0; k < outputDims.Length; k++)
        {
            if (outputDims[k] == 0)
                return new StridedCopy(elementSize, [], [], baseOffset, empty: true);
            if (outputDims[k] == 1)
                continue;
            int p = dims.Count - 1;
            if (p >= 0 && strides[p] == inputStrides[k] * outputDims[k])
            {
                dims[p] *= outputDims[k];
                strides[p] = inputStrides[k];
                continue;
            }
            dims.Add(outputDims[k]);
            strides.Add(inputStrides[k]);
        }
        return new StridedCopy(elementSize, dims.ToArray(), strides.ToArray(), baseOffset, empty: false);
    }

    /// <summary>Fills <paramref name="output"/> (every element) from <paramref name="input"/>.</summary>
    public void Execute(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (_empty)
            return;
        switch (_elementSize)
        {
            case 1: Run(input, output); break;
            case 2: Run(MemoryMarshal.Cast<byte, short>(input), MemoryMarshal.Cast<byte, short>(output)); break;
            case 4: Run(MemoryMarshal.Cast<byte, int>(input), MemoryMarshal.Cast<byte, int>(output)); break;
            case 8: Run(MemoryMarshal.Cast<byte, long>(input), MemoryMarshal.Cast<byte, long>(output)); break;
            default: throw new NotSupportedException($"element size {_elementSize}");
        }
    }

    private void Run<T>(ReadOnlySpan<T> input, Span<T> output) where T : unmanaged
    {
        if (_tiled)
        {
            RunTiled(input, output);
            return;
        }
        int rank = _outerDims.Length;
        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        index.Clear();
        int inOffset = _baseOffset;
        int outOffset = 0;
        for (int o = 0; o < _outerCount; o++)
        {
            var run = output.Slice(outOffset, _innerCount);
            if (_innerStride == 1)
                input.Slice(inOffset, _innerCount).CopyTo(run);
            else if (_innerStride == 0)
                run.Fill(input[inOffset]);
            else
                for (int i = 0, s = inOffset; i < run.Length; i++, s += _innerStride)
                    run[i] = input[s];
            outOffset += _innerCount;
            inOffset = Advance(index, inOffset, rank);
        }
    }

    private int Advance(Span<int> index, int offset, int rank)
    {
        for (int d = rank - 1; d >= 0; d--)
        {
            offset += _outerStrides[d];
            if (++index[d] < _outerDims[d])
                return offset;
            offset -= _outerStrides[d] * index[d];
            index[d] = 0;
        }
        return offset;
    }

    private void RunTiled<T>(ReadOnlySpan<T> input, Span<T> output) where T : unmanaged
    {
        int batchRank = _outerDims.Length - 1;
        int rows = _outerDims[batchRank];
        int cols = _innerCount;
        int colStride = _innerStride;
        int batches = _outerCount / rows;
        Span<int> index = stackalloc int[Math.Max(batchRank, 1)];
        index.Clear();
        int inBase = _baseOffset;
        int outBase = 0;
        for (int b = 0; b < batches; b++)
        {
            // out[r, c] = in[r + c * colStride]: walk tiles so both sides stay in cache.
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(r0 + Tile, rows);
                for (int c0 = 0; c0 < cols; c0 += Tile)
                {
                    int c1 = Math.Min(c0 + Tile, cols);
                    for (int r = r0; r < r1; r++)
                    {
                        var dst = output.Slice(outBase + r * cols, cols);
                        int src = inBase + r + c0 * colStride;
                        for (int c = c0; c < c1; c++, src += colStride)
                            dst[c] = input[src];
                    }
                }
            }
            outBase += rows * cols;
            inBase = Advance(index, inBase, batchRank);
        }
    }
}

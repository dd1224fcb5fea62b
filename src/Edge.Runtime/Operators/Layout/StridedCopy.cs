using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    private readonly int _inputElements;

    // Batched 2-D transpose: the last outer axis reads contiguously while the inner one jumps.
    private readonly bool _tiled;

    private StridedCopy(int elementSize, int[] dims, int[] strides, int baseOffset, int inputElements, bool empty)
    {
        _elementSize = elementSize;
        _inputElements = inputElements;
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
    public static StridedCopy Create(ReadOnlySpan<int> outputDims, ReadOnlySpan<int> inputStrides, int baseOffset, int elementSize, int inputElements)
    {
        // Every offset the copy reads is proven in range here, once, so the loops can skip bounds checks.
        long lowest = baseOffset, highest = baseOffset;
        bool anyEmpty = false;
        for (int k = 0; k < outputDims.Length; k++)
        {
            long reach = (long)inputStrides[k] * (outputDims[k] - 1);
            anyEmpty |= outputDims[k] == 0;
            if (reach < 0) lowest += reach; else highest += reach;
        }
        if (!anyEmpty && (lowest < 0 || highest >= inputElements))
            throw new InvalidOperationException($"strided view reads elements {lowest}..{highest} of an input of {inputElements}");

        var dims = new List<int>(outputDims.Length);
        var strides = new List<int>(outputDims.Length);
        for (int k = 0; k < outputDims.Length; k++)
        {
            if (outputDims[k] == 0)
                return new StridedCopy(elementSize, [], [], baseOffset, inputElements, empty: true);
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
        return new StridedCopy(elementSize, dims.ToArray(), strides.ToArray(), baseOffset, inputElements, empty: false);
    }

    /// <summary>Fills <paramref name="output"/> (every element) from <paramref name="input"/>.</summary>
    public void Execute(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (_empty)
            return;
        if (input.Length < _inputElements * _elementSize || output.Length < _outerCount * _innerCount * _elementSize)
            throw new ArgumentException("tensors are smaller than the planned view");
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
            {
                ref T source = ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inOffset);
                ref T destination = ref MemoryMarshal.GetReference(run);
                for (int i = 0, s = 0; i < _innerCount; i++, s += _innerStride)
                    Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, s);
            }
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
        bool simd = Unsafe.SizeOf<T>() == 4 && Avx.IsSupported;
        Span<int> index = stackalloc int[Math.Max(batchRank, 1)];
        index.Clear();
        int inBase = _baseOffset;
        int outBase = 0;
        ref T inputStart = ref MemoryMarshal.GetReference(input);
        ref T outputStart = ref MemoryMarshal.GetReference(output);
        for (int b = 0; b < batches; b++)
        {
            // out[r, c] = in[r + c * colStride]: walk tiles so both sides stay in cache.
            ref T source = ref Unsafe.Add(ref inputStart, inBase);
            ref T destination = ref Unsafe.Add(ref outputStart, outBase);
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(r0 + Tile, rows);
                for (int c0 = 0; c0 < cols; c0 += Tile)
                {
                    int c1 = Math.Min(c0 + Tile, cols);
                    if (!simd)
                    {
                        Block(ref source, ref destination, r0, r1, c0, c1, cols, colStride);
                        continue;
                    }
                    int rFull = r0 + (r1 - r0) / 8 * 8, cFull = c0 + (c1 - c0) / 8 * 8;
                    for (int r = r0; r < rFull; r += 8)
                        for (int c = c0; c < cFull; c += 8)
                            Transpose8x8(
                                ref Unsafe.As<T, float>(ref Unsafe.Add(ref source, r + c * colStride)), colStride,
                                ref Unsafe.As<T, float>(ref Unsafe.Add(ref destination, r * cols + c)), cols);
                    Block(ref source, ref destination, r0, rFull, cFull, c1, cols, colStride);
                    Block(ref source, ref destination, rFull, r1, c0, c1, cols, colStride);
                }
            }
            outBase += rows * cols;
            inBase = Advance(index, inBase, batchRank);
        }
    }

    private static void Block<T>(ref T source, ref T destination, int r0, int r1, int c0, int c1, int cols, int colStride) where T : unmanaged
    {
        for (int r = r0; r < r1; r++)
        {
            ref T row = ref Unsafe.Add(ref destination, r * cols);
            int src = r + c0 * colStride;
            for (int c = c0; c < c1; c++, src += colStride)
                Unsafe.Add(ref row, c) = Unsafe.Add(ref source, src);
        }
    }

    /// <summary>out[r, c] = in[r + c·inStride] for an 8×8 block of 4-byte elements (bit moves only, so any 4-byte type).</summary>
    private static void Transpose8x8(ref float source, int inStride, ref float destination, int outStride)
    {
        var v0 = Vector256.LoadUnsafe(ref source);
        var v1 = Vector256.LoadUnsafe(ref source, (nuint)inStride);
        var v2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * inStride));
        var v3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * inStride));
        var v4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * inStride));
        var v5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * inStride));
        var v6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * inStride));
        var v7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * inStride));
        var t0 = Avx.UnpackLow(v0, v1);
        var t1 = Avx.UnpackHigh(v0, v1);
        var t2 = Avx.UnpackLow(v2, v3);
        var t3 = Avx.UnpackHigh(v2, v3);
        var t4 = Avx.UnpackLow(v4, v5);
        var t5 = Avx.UnpackHigh(v4, v5);
        var t6 = Avx.UnpackLow(v6, v7);
        var t7 = Avx.UnpackHigh(v6, v7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref destination, (nuint)outStride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref destination, (nuint)(2 * outStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref destination, (nuint)(3 * outStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref destination, (nuint)(4 * outStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref destination, (nuint)(5 * outStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref destination, (nuint)(6 * outStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref destination, (nuint)(7 * outStride));
    }
}

using System.Numerics;

namespace Edge.Runtime.Tensors;

/// <summary>Numpy-style multidirectional broadcasting: result shapes, input strides and fast element-wise loops.</summary>
public static class Broadcasting
{
    /// <summary>The broadcast shape of <paramref name="shapes"/>; throws <see cref="ArgumentException"/> naming the clash.</summary>
    public static TensorShape Shape(params TensorShape[] shapes)
    {
        int rank = shapes.Max(s => s.Rank);
        var dims = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int size = 1;
            foreach (var s in shapes)
            {
                int i = d - (rank - s.Rank);
                if (i < 0)
                    continue;
                int v = s[i];
                if (v == size || v == 1)
                    continue;
                if (size != 1)
                    throw new ArgumentException($"shapes {string.Join(" and ", shapes.Select(x => x.ToString()))} cannot be broadcast (axis {d}: {size} vs {v})");
                size = v;
            }
            dims[d] = size;
        }
        return new TensorShape(dims);
    }

    /// <summary>Element strides of <paramref name="input"/> indexed by <paramref name="output"/>'s axes (0 where broadcast).</summary>
    public static int[] Strides(TensorShape input, TensorShape output)
    {
        var strides = new int[output.Rank];
        Strides(input, output, strides);
        return strides;
    }

    /// <summary>Writes <see cref="Strides(TensorShape, TensorShape)"/> into <paramref name="strides"/> (length = output rank) without allocating.</summary>
    public static void Strides(TensorShape input, TensorShape output, Span<int> strides)
    {
        strides.Clear();
        int offset = output.Rank - input.Rank;
        int stride = 1;
        for (int d = input.Rank - 1; d >= 0; d--)
        {
            strides[d + offset] = input[d] == 1 ? 0 : stride;
            stride *= input[d];
        }
    }

    /// <summary>
    /// Calls <paramref name="body"/>(outputStart, count, offsets) for runs of the output along its
    /// last axis, with each input's element offset at the run's start; inputs advance by
    /// <paramref name="innerStrides"/> (0 or 1) within a run.
    /// </summary>
    public static void ForEachRun(TensorShape output, TensorShape[] inputs, int[] innerStrides, RunAction body)
    {
        int rank = output.Rank;
        int n = inputs.Length;
        if (rank == 0 || output.ElementCount == 0)
        {
            Array.Clear(innerStrides);
            if (output.ElementCount > 0)
                body(0, 1, new int[n]);
            return;
        }
        var strides = inputs.Select(s => Strides(s, output)).ToArray();
        for (int k = 0; k < n; k++)
            innerStrides[k] = strides[k][rank - 1];
        int inner = output[rank - 1];
        var index = new int[rank];
        var offsets = new int[n];
        for (int start = 0; start < output.ElementCount; start += inner)
        {
            body(start, inner, offsets);
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                for (int k = 0; k < n; k++)
                    offsets[k] += strides[k][d];
                if (index[d] < output[d])
                    break;
                for (int k = 0; k < n; k++)
                    offsets[k] -= strides[k][d] * index[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>A run of the output for <see cref="ForEachRun"/>.</summary>
    public delegate void RunAction(int outputStart, int count, int[] inputOffsets);

    /// <summary>o = op(a, b) with broadcasting; vectorised where a run is contiguous or a scalar.</summary>
    public static void Binary<T, TOp>(ReadOnlySpan<T> a, TensorShape aShape, ReadOnlySpan<T> b, TensorShape bShape, Span<T> o, TensorShape oShape)
        where T : unmanaged
        where TOp : IBinaryOperation<T>
    {
        if (aShape.ElementCount == oShape.ElementCount && bShape.ElementCount == oShape.ElementCount)
        {
            Contiguous<T, TOp>(a, b, o, 1, 1);
            return;
        }
        if (bShape.ElementCount == 1 && aShape.ElementCount == oShape.ElementCount)
        {
            Contiguous<T, TOp>(a, b, o, 1, 0);
            return;
        }
        if (aShape.ElementCount == 1 && bShape.ElementCount == oShape.ElementCount)
        {
            Contiguous<T, TOp>(a, b, o, 0, 1);
            return;
        }

        // General case: runs along the last axis, an odometer over the outer axes.
        int rank = oShape.Rank;
        Span<int> aStrides = stackalloc int[rank], bStrides = stackalloc int[rank], index = stackalloc int[rank];
        // Filled in place: steady-state kernels call this per inference and must not allocate.
        Strides(aShape, oShape, aStrides);
        Strides(bShape, oShape, bStrides);
        index.Clear();
        int inner = oShape[rank - 1];
        int aOffset = 0, bOffset = 0;
        for (int start = 0; start < oShape.ElementCount; start += inner)
        {
            Contiguous<T, TOp>(a[aOffset..], b[bOffset..], o.Slice(start, inner), aStrides[rank - 1], bStrides[rank - 1]);
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                aOffset += aStrides[d];
                bOffset += bStrides[d];
                if (index[d] < oShape[d])
                    break;
                aOffset -= aStrides[d] * index[d];
                bOffset -= bStrides[d] * index[d];
                index[d] = 0;
            }
        }
    }

    private static void Contiguous<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o, int aStep, int bStep)
        where T : unmanaged
        where TOp : IBinaryOperation<T>
    {
        int n = o.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && n >= Vector<T>.Count)
        {
            int w = Vector<T>.Count;
            var aScalar = aStep == 0 ? new Vector<T>(a[0]) : default;
            var bScalar = bStep == 0 ? new Vector<T>(b[0]) : default;
            for (; i <= n - w; i += w)
            {
                var x = aStep == 0 ? aScalar : new Vector<T>(a.Slice(i, w));
                var y = bStep == 0 ? bScalar : new Vector<T>(b.Slice(i, w));
                TOp.Apply(x, y).CopyTo(o.Slice(i, w));
            }
        }
        for (; i < n; i++)
            o[i] = TOp.Apply(a[aStep * i], b[bStep * i]);
    }
}

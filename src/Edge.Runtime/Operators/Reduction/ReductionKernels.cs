using System.Numerics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Reduction;

/// <summary>
/// A reduction at fixed shapes, with the input's axes merged into alternating kept/reduced blocks
/// (size-1 axes dropped), so that the common patterns get fast loops: [kept, reduced] reduces
/// contiguous rows; [kept, reduced, kept] accumulates whole rows; anything else walks every element.
/// </summary>
internal sealed class ReduceLayout
{
    public ReduceLayout(TensorShape input, bool[] reduced, bool keepDims)
    {
        var output = new List<int>();
        var blocks = new List<(int Size, bool Reduced)>();
        long count = 1;
        for (int d = 0; d < input.Rank; d++)
        {
            if (reduced[d])
            {
                count *= input[d];
                if (keepDims)
                    output.Add(1);
            }
            else
            {
                output.Add(input[d]);
            }
            if (input[d] == 1)
                continue;
            if (blocks.Count > 0 && blocks[^1].Reduced == reduced[d])
                blocks[^1] = (blocks[^1].Size * input[d], reduced[d]);
            else
                blocks.Add((input[d], reduced[d]));
        }
        Output = new TensorShape(output.ToArray());
        ReducedCount = (int)count;
        Blocks = blocks.ToArray();
    }

    private ReduceLayout(TensorShape input)
    {
        Output = input;
        ReducedCount = 1;
        Blocks = [];
        IsIdentity = true;
    }

    /// <summary>noop_with_empty_axes with no axes: the output is the input.</summary>
    public static ReduceLayout Identity(TensorShape input) => new(input);

    public TensorShape Output { get; }

    /// <summary>Input elements per output element.</summary>
    public int ReducedCount { get; }

    /// <summary>Merged axes, outermost first, without size-1 axes.</summary>
    public (int Size, bool Reduced)[] Blocks { get; }

    public bool IsIdentity { get; }
}

/// <summary>A reduction as an associative combine with an identity, plus a final step (Mean divides).</summary>
internal interface IReduction<T> where T : unmanaged
{
    static abstract T Identity { get; }

    static abstract T Combine(T a, T b);

    static abstract Vector<T> Combine(Vector<T> a, Vector<T> b);

    static abstract T Finish(T accumulated, int count);
}

internal readonly struct SumReduction<T> : IReduction<T> where T : unmanaged, INumber<T>
{
    public static T Identity => T.Zero;

    public static T Combine(T a, T b) => a + b;

    public static Vector<T> Combine(Vector<T> a, Vector<T> b) => a + b;

    public static T Finish(T accumulated, int count) => accumulated;
}

/// <summary>Sum then divide; integers divide truncating (as ONNX Runtime), an empty integer mean is 0.</summary>
internal readonly struct MeanReduction<T> : IReduction<T> where T : unmanaged, INumber<T>
{
    public static T Identity => T.Zero;

    public static T Combine(T a, T b) => a + b;

    public static Vector<T> Combine(Vector<T> a, Vector<T> b) => a + b;

    public static T Finish(T accumulated, int count) =>
        count == 0 && typeof(T) != typeof(float) ? T.Zero : accumulated / T.CreateTruncating(count);
}

internal readonly struct ProdReduction<T> : IReduction<T> where T : unmanaged, INumber<T>
{
    public static T Identity => T.One;

    public static T Combine(T a, T b) => a * b;

    public static Vector<T> Combine(Vector<T> a, Vector<T> b) => a * b;

    public static T Finish(T accumulated, int count) => accumulated;
}

internal readonly struct MaxReduction<T> : IReduction<T> where T : unmanaged, INumber<T>
{
    // −∞ for float, MinValue for integers: what an empty ReduceMax gives.
    public static T Identity => T.CreateSaturating(double.NegativeInfinity);

    public static T Combine(T a, T b) => T.IsNaN(a) || a > b ? a : b;

    public static Vector<T> Combine(Vector<T> a, Vector<T> b) => Vector.Max(a, b);

    public static T Finish(T accumulated, int count) => accumulated;
}

internal readonly struct MinReduction<T> : IReduction<T> where T : unmanaged, INumber<T>
{
    public static T Identity => T.CreateSaturating(double.PositiveInfinity);

    public static T Combine(T a, T b) => T.IsNaN(a) || a < b ? a : b;

    public static Vector<T> Combine(Vector<T> a, Vector<T> b) => Vector.Min(a, b);

    public static T Finish(T accumulated, int count) => accumulated;
}

/// <summary>Runs one reduction over a <see cref="ReduceLayout"/>.</summary>
internal sealed class ReduceKernel<T, TReduction>(ReduceLayout layout) : Kernel
    where T : unmanaged
    where TReduction : IReduction<T>
{
    private readonly int[] _sizes = layout.Blocks.Select(b => b.Size).ToArray();
    private readonly int[] _outputStrides = OutputStrides(layout.Blocks);

    public override void Execute(KernelContext context)
    {
        var input = context.Input(0).AsSpan<T>();
        var output = context.Output(0).AsSpan<T>();
        var blocks = layout.Blocks;
        int count = layout.ReducedCount;
        if (layout.IsIdentity)
        {
            input.CopyTo(output);
        }
        else if (blocks.Length == 0 || (blocks.Length == 1 && !blocks[0].Reduced))
        {
            // Only size-1 axes are reduced.
            for (int i = 0; i < output.Length; i++)
                output[i] = TReduction.Finish(TReduction.Combine(TReduction.Identity, input[i]), 1);
        }
        else if (blocks[^1].Reduced && blocks.Length <= 2)
        {
            int rows = blocks.Length == 2 ? blocks[0].Size : 1;
            int length = blocks[^1].Size;
            for (int r = 0; r < rows; r++)
                output[r] = TReduction.Finish(ReduceRow(input.Slice(r * length, length)), count);
        }
        else if (!blocks[^1].Reduced && blocks[^2].Reduced && blocks.Length <= 3)
        {
            int outer = blocks.Length == 3 ? blocks[0].Size : 1;
            int rows = blocks[^2].Size;
            int width = blocks[^1].Size;
            for (int o = 0; o < outer; o++)
            {
                var target = output.Slice(o * width, width);
                target.Fill(TReduction.Identity);
                for (int r = 0; r < rows; r++)
                    CombineInto(target, input.Slice((o * rows + r) * width, width));
                Finish(target, count);
            }
        }
        else
        {
            WalkAll(input, output);
            Finish(output, count);
        }
    }

    private static T ReduceRow(ReadOnlySpan<T> row)
    {
        int i = 0;
        T result = TReduction.Identity;
        int width = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && row.Length >= 2 * width)
        {
            // Two accumulators hide the add latency; lanes are folded at the end.
            var acc0 = new Vector<T>(TReduction.Identity);
            var acc1 = acc0;
            for (; i <= row.Length - 2 * width; i += 2 * width)
            {
                acc0 = TReduction.Combine(acc0, new Vector<T>(row.Slice(i, width)));
                acc1 = TReduction.Combine(acc1, new Vector<T>(row.Slice(i + width, width)));
            }
            var acc = TReduction.Combine(acc0, acc1);
            for (int lane = 0; lane < width; lane++)
                result = TReduction.Combine(result, acc[lane]);
        }
        for (; i < row.Length; i++)
            result = TReduction.Combine(result, row[i]);
        return result;
    }

    private static void CombineInto(Span<T> target, ReadOnlySpan<T> source)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            for (; i <= target.Length - Vector<T>.Count; i += Vector<T>.Count)
                TReduction.Combine(new Vector<T>(target.Slice(i, Vector<T>.Count)), new Vector<T>(source.Slice(i, Vector<T>.Count))).CopyTo(target.Slice(i, Vector<T>.Count));
        for (; i < target.Length; i++)
            target[i] = TReduction.Combine(target[i], source[i]);
    }

    private static void Finish(Span<T> values, int count)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = TReduction.Finish(values[i], count);
    }

    /// <summary>Interleaved kept/reduced blocks: every input element combined into its output slot.</summary>
    private void WalkAll(ReadOnlySpan<T> input, Span<T> output)
    {
        output.Fill(TReduction.Identity);
        int rank = _sizes.Length;
        Span<int> index = stackalloc int[rank];
        index.Clear();
        int innerSize = _sizes[rank - 1];
        int innerStride = _outputStrides[rank - 1];
        int outOffset = 0;
        for (int start = 0; start < input.Length; start += innerSize)
        {
            for (int i = 0; i < innerSize; i++)
                output[outOffset + i * innerStride] = TReduction.Combine(output[outOffset + i * innerStride], input[start + i]);
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                outOffset += _outputStrides[d];
                if (index[d] < _sizes[d])
                    break;
                outOffset -= _outputStrides[d] * index[d];
                index[d] = 0;
            }
        }
    }

    private static int[] OutputStrides((int Size, bool Reduced)[] blocks)
    {
        var strides = new int[blocks.Length];
        int stride = 1;
        for (int d = blocks.Length - 1; d >= 0; d--)
        {
            strides[d] = blocks[d].Reduced ? 0 : stride;
            if (!blocks[d].Reduced)
                stride *= blocks[d].Size;
        }
        return strides;
    }
}

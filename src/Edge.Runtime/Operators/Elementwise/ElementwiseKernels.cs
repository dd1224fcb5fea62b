using System.Numerics;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

// The operation structs and generic kernels shared by the element-wise operators. Structs (not
// delegates) so that the JIT specialises and inlines each loop.

internal readonly struct AddOperation<T> : IBinaryOperation<T> where T : unmanaged, INumber<T>
{
    public static T Apply(T a, T b) => a + b;

    public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a + b;
}

internal readonly struct SubOperation<T> : IBinaryOperation<T> where T : unmanaged, INumber<T>
{
    public static T Apply(T a, T b) => a - b;

    public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a - b;
}

internal readonly struct MulOperation<T> : IBinaryOperation<T> where T : unmanaged, INumber<T>
{
    public static T Apply(T a, T b) => a * b;

    public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a * b;
}

internal readonly struct FloatDivOperation : IBinaryOperation<float>
{
    public static float Apply(float a, float b) => a / b;

    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a / b;
}

/// <summary>
/// Integer division truncating toward zero. x / 0 gives 0 and MinValue / −1 wraps to MinValue
/// (ONNX leaves both undefined; a trap would take the process down, so Edge defines them).
/// </summary>
internal readonly struct IntegerDivOperation<T> : IBinaryOperation<T> where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    public static T Apply(T a, T b)
    {
        if (b == T.Zero)
            return T.Zero;
        if (T.MinValue != T.Zero && b == T.Zero - T.One)
            return T.Zero - a;
        return a / b;
    }

    // No SIMD integer division exists; lanes go one by one (still inside the shared broadcast loop).
    public static Vector<T> Apply(Vector<T> a, Vector<T> b)
    {
        Span<T> lanes = stackalloc T[Vector<T>.Count];
        for (int i = 0; i < lanes.Length; i++)
            lanes[i] = Apply(a[i], b[i]);
        return new Vector<T>(lanes);
    }
}

internal readonly struct MaxOperation<T> : IBinaryOperation<T> where T : unmanaged, INumber<T>
{
    // ORT/numpy: NaN wins for floats.
    public static T Apply(T a, T b) => T.IsNaN(a) || a > b ? a : b;

    public static Vector<T> Apply(Vector<T> a, Vector<T> b) => Vector.Max(a, b);
}

internal readonly struct MinOperation<T> : IBinaryOperation<T> where T : unmanaged, INumber<T>
{
    public static T Apply(T a, T b) => T.IsNaN(a) || a < b ? a : b;

    public static Vector<T> Apply(Vector<T> a, Vector<T> b) => Vector.Min(a, b);
}

internal readonly struct PowOperation : IBinaryOperation<float>
{
    public static float Apply(float a, float b) => MathF.Pow(a, b);

    public static Vector<float> Apply(Vector<float> a, Vector<float> b)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++)
            lanes[i] = MathF.Pow(a[i], b[i]);
        return new Vector<float>(lanes);
    }
}

/// <summary>o = op(a, b) with numpy broadcasting, at shapes fixed when the kernel was made.</summary>
internal sealed class BinaryKernel<T, TOperation>(TensorShape a, TensorShape b, TensorShape output) : Kernel
    where T : unmanaged
    where TOperation : IBinaryOperation<T>
{
    public override void Execute(KernelContext context) =>
        Broadcasting.Binary<T, TOperation>(context.Input(0).AsSpan<T>(), a, context.Input(1).AsSpan<T>(), b, context.Output(0).AsSpan<T>(), output);
}

/// <summary>Folds any number of broadcast inputs with one binary operation (Max, Min, Sum-like ops).</summary>
internal sealed class VariadicKernel<T, TOperation>(TensorShape[] inputs, TensorShape output) : Kernel
    where T : unmanaged
    where TOperation : IBinaryOperation<T>
{
    public override void Execute(KernelContext context)
    {
        var result = context.Output(0).AsSpan<T>();
        if (inputs.Length == 1)
        {
            // A single input has the output's shape already.
            context.Input(0).AsSpan<T>().CopyTo(result);
            return;
        }
        Broadcasting.Binary<T, TOperation>(context.Input(0).AsSpan<T>(), inputs[0], context.Input(1).AsSpan<T>(), inputs[1], result, output);
        // In place: each element is read before it is written at the same index.
        for (int i = 2; i < inputs.Length; i++)
            Broadcasting.Binary<T, TOperation>(result, output, context.Input(i).AsSpan<T>(), inputs[i], result, output);
    }
}

/// <summary>y = f(x) over float tensors through <see cref="VectorMath.Map{TFunction}"/>, split across threads when large.</summary>
internal sealed class UnaryFloatKernel<TFunction>(TFunction function) : Kernel where TFunction : struct, IVectorFunction
{
    // A transcendental map costs about 2 ns a value (a BERT FFN's Gelu is 0.4 M values): a second thread pays from
    // a few tens of thousands. Every value goes through the same vector code wherever a chunk starts, so splitting
    // changes no result.
    private const int MinChunk = 32 * 1024;

    public override unsafe void Execute(KernelContext context)
    {
        var job = new MapJob(function, context.Input(0), context.Output(0));
        context.Parallel.For(job.Input.ElementCount, MinChunk, in job, &Map);
    }

    private readonly record struct MapJob(TFunction Function, Tensor Input, Tensor Output);

    private static void Map(in MapJob job, int start, int end) =>
        VectorMath.Map(job.Function, job.Input.AsSpan<float>()[start..end], job.Output.AsSpan<float>()[start..end]);
}

internal readonly struct SqrtFunction : IVectorFunction
{
    public Vector<float> Apply(Vector<float> x) => Vector.SquareRoot(x);
}

internal readonly struct ErfFunction : IVectorFunction
{
    public Vector<float> Apply(Vector<float> x) => VectorMath.Erf(x);
}

internal readonly struct TanhFunction : IVectorFunction
{
    public Vector<float> Apply(Vector<float> x) => VectorMath.Tanh(x);
}

internal readonly struct SigmoidFunction : IVectorFunction
{
    public Vector<float> Apply(Vector<float> x) => VectorMath.Sigmoid(x);
}

internal readonly struct LeakyReluFunction(float alpha) : IVectorFunction
{
    public Vector<float> Apply(Vector<float> x) =>
        Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), x * new Vector<float>(alpha), x);
}

/// <summary>0.5·x·(1 + erf(x/√2)).</summary>
internal readonly struct GeluErfFunction : IVectorFunction
{
    public Vector<float> Apply(Vector<float> x) =>
        new Vector<float>(0.5f) * x * (Vector<float>.One + VectorMath.Erf(x * new Vector<float>(0.70710678118654752f)));
}

/// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
internal readonly struct GeluTanhFunction : IVectorFunction
{
    public Vector<float> Apply(Vector<float> x)
    {
        var inner = new Vector<float>(0.7978845608028654f) * Vector.FusedMultiplyAdd(new Vector<float>(0.044715f) * x * x, x, x);
        return new Vector<float>(0.5f) * x * (Vector<float>.One + VectorMath.Tanh(inner));
    }
}

/// <summary>max(x, 0) for any numeric type.</summary>
internal sealed class ReluKernel<T> : Kernel where T : unmanaged, INumber<T>
{
    public override void Execute(KernelContext context)
    {
        var x = context.Input(0).AsSpan<T>();
        var y = context.Output(0).AsSpan<T>();
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                Vector.Max(new Vector<T>(x.Slice(i, Vector<T>.Count)), Vector<T>.Zero).CopyTo(y.Slice(i, Vector<T>.Count));
        for (; i < x.Length; i++)
            y[i] = x[i] > T.Zero ? x[i] : T.Zero;
    }
}

/// <summary>Shape checks shared by the element-wise operators.</summary>
internal static class ElementwiseShapes
{
    /// <summary>The broadcast shape of a node's inputs; fails naming the node when they cannot broadcast.</summary>
    public static TensorShape Broadcast(NodeContext context, params TensorShape[] shapes)
    {
        try
        {
            return Broadcasting.Shape(shapes);
        }
        catch (ArgumentException e)
        {
            throw context.Fail($"inputs cannot be broadcast together: {e.Message}");
        }
    }
}

internal readonly struct SquareFunction : IVectorFunction
{
    public Vector<float> Apply(Vector<float> x) => x * x;
}

/// <summary>
/// Merges adjacent axes along which every input is broadcast the same way (all full, or all size 1
/// for a given input), so that e.g. [N,C,H,W] ⊕ [1,C,1,1] runs as [N,C,H·W] ⊕ [1,C,1]: longer
/// contiguous runs, hence more of the loop vectorised. Element order is unchanged.
/// </summary>
internal static class BroadcastCoalescing
{
    public static (TensorShape Output, TensorShape[] Inputs) Coalesce(TensorShape output, params TensorShape[] inputs)
    {
        int rank = output.Rank;
        var outDims = new List<int>();
        var inDims = inputs.Select(_ => new List<int>()).ToArray();
        var previous = new bool[inputs.Length];
        for (int d = 0; d < rank; d++)
        {
            if (output[d] == 1)
                continue;
            var full = new bool[inputs.Length];
            for (int k = 0; k < inputs.Length; k++)
            {
                int i = d - (rank - inputs[k].Rank);
                full[k] = i >= 0 && inputs[k][i] != 1;
            }
            if (outDims.Count > 0 && full.AsSpan().SequenceEqual(previous))
            {
                outDims[^1] *= output[d];
                for (int k = 0; k < inputs.Length; k++)
                    if (full[k])
                        inDims[k][^1] *= output[d];
            }
            else
            {
                outDims.Add(output[d]);
                for (int k = 0; k < inputs.Length; k++)
                    inDims[k].Add(full[k] ? output[d] : 1);
            }
            previous = full;
        }
        return (new TensorShape(outDims.ToArray()), inDims.Select(l => new TensorShape(l.ToArray())).ToArray());
    }
}

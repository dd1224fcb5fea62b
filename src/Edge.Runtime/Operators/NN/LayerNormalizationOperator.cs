using System.Numerics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// LayerNormalization (opset 17): each row over axes [axis, rank) is normalised to zero mean and
/// unit variance, then scaled and shifted; the optional Mean and InvStdDev outputs hold the
/// per-row statistics (shape of X with the normalised axes set to 1).
/// </summary>
public sealed class LayerNormalizationOperator : Operator
{
    public override string OpType => "LayerNormalization";

    public override string TypeConstraints => "float";

    public override int MinOpset => 17;

    public override void InferOutputs(NodeContext context)
    {
        var (x, axis, _) = Resolve(context);
        context.SetOutput(0, DataType.Float32, x);
        var statistics = x.ToArray();
        for (int i = axis; i < statistics.Length; i++)
            statistics[i] = 1;
        context.SetOutput(1, DataType.Float32, new TensorShape(statistics));
        context.SetOutput(2, DataType.Float32, new TensorShape(statistics));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (x, axis, size) = Resolve(context);
        float epsilon = context.Attributes.GetFloat("epsilon", 1e-5f);
        return new NormalizeKernel(x.SizeBetween(0, axis), size, epsilon,
            context.InputShape(1).ElementCount == 1, context.HasInput(2) && context.InputShape(2).ElementCount == 1,
            context.HasOutput(1), context.HasOutput(2));
    }

    private static (TensorShape X, int Axis, int Size) Resolve(NodeContext context)
    {
        context.RequireInputs(2, 3);
        context.RequireType(0, DataType.Float32);
        context.RequireType(1, DataType.Float32);
        var x = context.InputShape(0);
        long axis = context.Attributes.GetInt("axis", -1);
        if (x.Rank == 0 || axis < -x.Rank || axis >= x.Rank)
            throw context.Fail($"attribute 'axis' is {axis}, out of range for input of shape {x}");
        long stash = context.Attributes.GetInt("stash_type", 1);
        if (stash != 1)
            throw context.Fail($"attribute 'stash_type' is {stash}; only 1 (float statistics) is supported");
        int a = (int)(axis < 0 ? axis + x.Rank : axis);
        int size = x.SizeBetween(a, x.Rank);
        for (int i = 1; i <= 2; i++)
        {
            if (!context.HasInput(i))
                continue;
            context.RequireType(i, DataType.Float32);
            var p = context.InputShape(i);
            if (p.ElementCount != 1 && (p.ElementCount != size || p.Rank > x.Rank - a))
                throw context.Fail($"input {i} '{(i == 1 ? "Scale" : "B")}' has shape {p}; expected the normalised shape {new TensorShape(x.Dims[a..].ToArray())} or one value");
        }
        return (x, a, size);
    }

    private sealed class NormalizeKernel(int rows, int size, float epsilon, bool scalarScale, bool scalarBias, bool writeMean, bool writeInverse) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).AsSpan<float>();
            var scale = context.Input(1).AsSpan<float>();
            var bias = context.OptionalInput(2) is { } b ? b.AsSpan<float>() : default;
            var y = context.Output(0).AsSpan<float>();
            var means = writeMean ? context.Output(1).AsSpan<float>() : default;
            var inverses = writeInverse ? context.Output(2).AsSpan<float>() : default;
            for (int r = 0; r < rows; r++)
            {
                var row = x.Slice(r * size, size);
                var result = y.Slice(r * size, size);
                float mean = Sum(row) / size;
                float variance = SquaredDeviation(row, mean) / size;
                float inverse = 1f / MathF.Sqrt(variance + epsilon);
                if (!means.IsEmpty)
                    means[r] = mean;
                if (!inverses.IsEmpty)
                    inverses[r] = inverse;
                Apply(row, result, mean, inverse, scale, bias);
            }
        }

        private void Apply(ReadOnlySpan<float> x, Span<float> y, float mean, float inverse, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias)
        {
            int i = 0, w = Vector<float>.Count;
            if (Vector.IsHardwareAccelerated && !scalarScale && !scalarBias)
            {
                var vm = new Vector<float>(mean);
                var vi = new Vector<float>(inverse);
                for (; i <= x.Length - w; i += w)
                {
                    var v = (new Vector<float>(x[i..]) - vm) * vi * new Vector<float>(scale[i..]);
                    if (!bias.IsEmpty)
                        v += new Vector<float>(bias[i..]);
                    v.CopyTo(y[i..]);
                }
            }
            for (; i < x.Length; i++)
                y[i] = (x[i] - mean) * inverse * scale[scalarScale ? 0 : i] + (bias.IsEmpty ? 0f : bias[scalarBias ? 0 : i]);
        }

        private static float Sum(ReadOnlySpan<float> values)
        {
            int i = 0, w = Vector<float>.Count;
            var acc = Vector<float>.Zero;
            if (Vector.IsHardwareAccelerated)
                for (; i <= values.Length - w; i += w)
                    acc += new Vector<float>(values[i..]);
            float sum = Vector.Sum(acc);
            for (; i < values.Length; i++)
                sum += values[i];
            return sum;
        }

        private static float SquaredDeviation(ReadOnlySpan<float> values, float mean)
        {
            int i = 0, w = Vector<float>.Count;
            var acc = Vector<float>.Zero;
            if (Vector.IsHardwareAccelerated)
            {
                var vm = new Vector<float>(mean);
                for (; i <= values.Length - w; i += w)
                {
                    var d = new Vector<float>(values[i..]) - vm;
                    acc = Vector.FusedMultiplyAdd(d, d, acc);
                }
            }
            float sum = Vector.Sum(acc);
            for (; i < values.Length; i++)
                sum += (values[i] - mean) * (values[i] - mean);
            return sum;
        }
    }
}

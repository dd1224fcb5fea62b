using System.Numerics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// BatchNormalization in inference mode: y = (x − mean)/√(var + ε)·scale + B per channel (axis 1),
/// folded to y = x·a + b with a and b computed once when the parameters are constant.
/// </summary>
public sealed class BatchNormalizationOperator : Operator
{
    public override string OpType => "BatchNormalization";

    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(5, 5);
        for (int i = 0; i < 5; i++)
            context.RequireType(i, DataType.Float32);
        if (context.Attributes.GetInt("training_mode", 0) != 0)
            throw context.Fail("training_mode=1 is not supported (Edge runs inference only)");
        for (int o = 1; o < context.OutputCount; o++)
            if (context.HasOutput(o))
                throw context.Fail($"output {o} (running mean/variance) exists only in training mode, which Edge does not support");
        var x = context.InputShape(0);
        if (x.Rank < 2)
            throw context.Fail($"input 0 'X' has shape {x}; expected (N, C, …)");
        string[] names = ["scale", "B", "input_mean", "input_var"];
        for (int i = 1; i < 5; i++)
        {
            var p = context.InputShape(i);
            if (p.Rank != 1 || p[0] != x[1])
                throw context.Fail($"input {i} '{names[i - 1]}' has shape {p}; expected [{x[1]}] (one per channel)");
        }
        context.SetOutput(0, DataType.Float32, x);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var x = context.InputShape(0);
        float epsilon = context.Attributes.GetFloat("epsilon", 1e-5f);
        int channels = x[1];
        float[]? factors = null;
        if (Enumerable.Range(1, 4).All(i => context.InputValue(i) is not null))
        {
            factors = new float[2 * channels];
            for (int c = 0; c < channels; c++)
                (factors[c], factors[channels + c]) = Factors(context.InputValue(1)!.AsSpan<float>(), context.InputValue(2)!.AsSpan<float>(),
                    context.InputValue(3)!.AsSpan<float>(), context.InputValue(4)!.AsSpan<float>(), c, epsilon);
        }
        return new NormalizeKernel(x[0], channels, x.SizeBetween(2, x.Rank), epsilon, factors);
    }

    private static (float Scale, float Shift) Factors(ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, int c, float epsilon)
    {
        float a = scale[c] / MathF.Sqrt(variance[c] + epsilon);
        return (a, bias[c] - mean[c] * a);
    }

    private sealed class NormalizeKernel(int batch, int channels, int size, float epsilon, float[]? factors) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).AsSpan<float>();
            var y = context.Output(0).AsSpan<float>();
            ReadOnlySpan<float> scale = default, bias = default, mean = default, variance = default;
            if (factors is null)
            {
                scale = context.Input(1).AsSpan<float>();
                bias = context.Input(2).AsSpan<float>();
                mean = context.Input(3).AsSpan<float>();
                variance = context.Input(4).AsSpan<float>();
            }
            for (int n = 0; n < batch; n++)
                for (int c = 0; c < channels; c++)
                {
                    var (a, b) = factors is null ? Factors(scale, bias, mean, variance, c, epsilon) : (factors[c], factors[channels + c]);
                    int start = (n * channels + c) * size;
                    Affine(x.Slice(start, size), y.Slice(start, size), a, b);
                }
        }

        private static void Affine(ReadOnlySpan<float> x, Span<float> y, float a, float b)
        {
            int i = 0, w = Vector<float>.Count;
            if (Vector.IsHardwareAccelerated)
            {
                var va = new Vector<float>(a);
                var vb = new Vector<float>(b);
                for (; i <= x.Length - w; i += w)
                    Vector.FusedMultiplyAdd(new Vector<float>(x[i..]), va, vb).CopyTo(y[i..]);
            }
            for (; i < x.Length; i++)
                y[i] = x[i] * a + b;
        }
    }
}

using System.Numerics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>GlobalAveragePool (float): the mean of each (N, C) plane, spatial axes kept as 1.</summary>
public sealed class GlobalAveragePoolOperator : Operator
{
    public override string OpType => "GlobalAveragePool";

    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.RequireType(0, DataType.Float32);
        var x = context.InputShape(0);
        if (x.Rank < 3)
            throw context.Fail($"input 0 has shape {x}; expected (N, C, D1, …)");
        var dims = x.ToArray();
        for (int i = 2; i < dims.Length; i++)
            dims[i] = 1;
        context.SetOutput(0, DataType.Float32, new TensorShape(dims));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var x = context.InputShape(0);
        return new MeanKernel(x[0] * x[1], x.SizeBetween(2, x.Rank));
    }

    private sealed class MeanKernel(int planes, int size) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).AsSpan<float>();
            var y = context.Output(0).AsSpan<float>();
            for (int p = 0; p < planes; p++)
                y[p] = size == 0 ? float.NaN : Sum(x.Slice(p * size, size)) / size;
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
    }
}

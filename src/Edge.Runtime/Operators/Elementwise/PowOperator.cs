using System.Runtime.InteropServices;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>
/// Pow with numpy broadcasting. A float base takes a float, int32 or int64 exponent; an int32/int64
/// base is raised in double precision and truncated back to its type, as ONNX Runtime does.
/// </summary>
public sealed class PowOperator : Operator
{
    public override string OpType => "Pow";

    public override string TypeConstraints => "base float, int32, int64; exponent float, int32, int64";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 2);
        var type = context.RequireType(0, DataType.Float32, DataType.Int32, DataType.Int64);
        context.RequireType(1, DataType.Float32, DataType.Int32, DataType.Int64);
        context.SetOutput(0, type, ElementwiseShapes.Broadcast(context, context.InputShape(0), context.InputShape(1)));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (output, inputs) = BroadcastCoalescing.Coalesce(context.OutputShape(0), context.InputShape(0), context.InputShape(1));
        var a = inputs[0];
        var b = inputs[1];
        var exponentType = context.InputType(1);
        if (context.InputType(0) != DataType.Float32)
        {
            var layout = new BroadcastLayout(output, a, b);
            return context.InputType(0) == DataType.Int32 ? new IntegerPowKernel<int>(layout, exponentType) : new IntegerPowKernel<long>(layout, exponentType);
        }
        if (exponentType == DataType.Float32)
        {
            // x^2 (variance in decomposed LayerNorm) is common enough to run as a vectorised x·x.
            if (context.InputValue(1) is { ElementCount: 1 } constant && constant.AsSpan<float>()[0] == 2f)
                return new UnaryFloatKernel<SquareFunction>(default);
            return new BinaryKernel<float, PowOperation>(a, b, output);
        }
        return new IntegerExponentKernel(a, b, output, exponentType);
    }

    /// <summary>Float base, integer exponent: the exponent is widened to float in the workspace first.</summary>
    private sealed class IntegerExponentKernel(TensorShape a, TensorShape b, TensorShape output, DataType exponentType) : Kernel
    {
        public override int WorkspaceBytes => b.ElementCount * sizeof(float);

        public override void Execute(KernelContext context)
        {
            var exponent = MemoryMarshal.Cast<byte, float>(context.Workspace.AsSpan(0, WorkspaceBytes));
            var source = context.Input(1);
            if (exponentType == DataType.Int32)
            {
                var s = source.AsSpan<int>();
                for (int i = 0; i < s.Length; i++)
                    exponent[i] = s[i];
            }
            else
            {
                var s = source.AsSpan<long>();
                for (int i = 0; i < s.Length; i++)
                    exponent[i] = s[i];
            }
            Broadcasting.Binary<float, PowOperation>(context.Input(0).AsSpan<float>(), a, exponent, b, context.Output(0).AsSpan<float>(), output);
        }
    }

    private sealed class IntegerPowKernel<T>(BroadcastLayout layout, DataType exponentType) : Kernel where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).AsSpan<T>();
            var exponent = context.Input(1);
            var output = context.Output(0).AsSpan<T>();
            Span<int> index = stackalloc int[layout.Rank];
            Span<int> offsets = stackalloc int[2];
            index.Clear();
            offsets.Clear();
            int xStep = layout.InnerSteps[0], eStep = layout.InnerSteps[1];
            for (int run = 0, start = 0; run < layout.Runs; run++, start += layout.RunLength)
            {
                for (int i = 0; i < layout.RunLength; i++)
                {
                    double e = Exponent(exponent, offsets[1] + i * eStep);
                    double value = Math.Pow(double.CreateTruncating(x[offsets[0] + i * xStep]), e);
                    output[start + i] = T.CreateSaturating(value);
                }
                layout.Advance(index, offsets);
            }
        }

        private double Exponent(Tensor exponent, int index) => exponentType switch
        {
            DataType.Float32 => exponent.AsSpan<float>()[index],
            DataType.Int32 => exponent.AsSpan<int>()[index],
            _ => exponent.AsSpan<long>()[index],
        };
    }
}

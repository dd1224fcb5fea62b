using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Where: condition ? x : y, the three inputs broadcast together; x and y of any one type.</summary>
public sealed class WhereOperator : Operator
{
    public override string OpType => "Where";

    public override string TypeConstraints => "condition bool; x, y float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(3, 3);
        context.RequireType(0, DataType.Bool);
        var type = context.InputType(1);
        if (context.InputType(2) != type)
            throw context.Fail($"x and y have different types ({type.OnnxName()} and {context.InputType(2).OnnxName()})");
        context.SetOutput(0, type, ElementwiseShapes.Broadcast(context, context.InputShape(0), context.InputShape(1), context.InputShape(2)));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (output, inputs) = BroadcastCoalescing.Coalesce(context.OutputShape(0), context.InputShape(0), context.InputShape(1), context.InputShape(2));
        var layout = new BroadcastLayout(output, inputs);
        // Selection only moves bytes: one kernel per element size serves every type.
        return context.InputType(1).SizeOf() switch
        {
            1 => new WhereKernel<byte>(layout),
            4 => new WhereKernel<int>(layout),
            _ => new WhereKernel<long>(layout),
        };
    }

    public override long CountOperations(NodeContext context) => 0;

    private sealed class WhereKernel<T>(BroadcastLayout layout) : Kernel where T : unmanaged
    {
        public override void Execute(KernelContext context)
        {
            var condition = context.Input(0).Bytes;
            var x = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(context.Input(1).Bytes);
            var y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(context.Input(2).Bytes);
            var output = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(context.Output(0).Bytes);
            Span<int> index = stackalloc int[layout.Rank];
            Span<int> offsets = stackalloc int[3];
            index.Clear();
            offsets.Clear();
            int cStep = layout.InnerSteps[0], xStep = layout.InnerSteps[1], yStep = layout.InnerSteps[2];
            int length = layout.RunLength;
            for (int run = 0, start = 0; run < layout.Runs; run++, start += length)
            {
                var c = condition[offsets[0]..];
                var xs = x[offsets[1]..];
                var ys = y[offsets[2]..];
                var o = output.Slice(start, length);
                for (int i = 0; i < o.Length; i++)
                    o[i] = c[i * cStep] != 0 ? xs[i * xStep] : ys[i * yStep];
                layout.Advance(index, offsets);
            }
        }
    }
}

using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Concat: joins tensors of equal rank along <c>axis</c>.</summary>
public sealed class ConcatOperator : Operator
{
    public override string OpType => "Concat";

    public override string TypeConstraints => "float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        if (context.InputCount < 1)
            throw context.Fail("expects at least 1 input, has 0");
        var first = context.InputShape(0);
        var type = context.InputType(0);
        int axis = Axis(context, first.Rank);
        var dims = first.ToArray();
        long total = first[axis];
        for (int i = 1; i < context.InputCount; i++)
        {
            var shape = context.InputShape(i);
            if (context.InputType(i) != type)
                throw context.Fail($"input {i} has type {context.InputType(i).OnnxName()}, input 0 has {type.OnnxName()}");
            bool compatible = shape.Rank == first.Rank;
            for (int d = 0; compatible && d < shape.Rank; d++)
                compatible = d == axis || shape[d] == first[d];
            if (!compatible)
                throw context.Fail($"input {i} has shape {shape}, which does not match input 0's {first} outside axis {axis}");
            total += shape[axis];
        }
        if (total > int.MaxValue)
            throw context.Fail("the output is too large");
        dims[axis] = (int)total;
        context.SetOutput(0, type, new TensorShape(dims));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var output = context.OutputShape(0);
        int axis = Axis(context, output.Rank);
        int elementSize = context.InputType(0).SizeOf();
        int innerBytes = output.SizeBetween(axis + 1, output.Rank) * elementSize;
        var blockBytes = new int[context.InputCount];
        for (int i = 0; i < blockBytes.Length; i++)
            blockBytes[i] = context.InputShape(i)[axis] * innerBytes;
        return new ConcatKernel(output.SizeBetween(0, axis), blockBytes);
    }

    public override long CountOperations(NodeContext context) => 0;

    private static int Axis(NodeContext context, int rank)
    {
        long axis = context.Attributes.GetInt("axis");
        if (axis < -rank || axis >= rank)
            throw context.Fail($"attribute 'axis' = {axis} is out of range [{-rank}, {rank - 1}] for rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    private sealed class ConcatKernel(int outer, int[] blockBytes) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var output = context.Output(0).Bytes;
            int offset = 0;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < blockBytes.Length; i++)
                {
                    int size = blockBytes[i];
                    context.Input(i).Bytes.Slice(o * size, size).CopyTo(output.Slice(offset, size));
                    offset += size;
                }
        }
    }
}

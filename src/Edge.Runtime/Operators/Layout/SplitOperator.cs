using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Split: cuts a tensor along <c>axis</c> by the <c>split</c> input, or into equal parts (the last smaller under num_outputs).</summary>
public sealed class SplitOperator : Operator
{
    public override string OpType => "Split";

    public override string TypeConstraints => "T: float, int64, int32, uint8, int8, bool; split: int64";

    public override void InferOutputs(NodeContext context)
    {
        var input = context.InputShape(0);
        int axis = Axis(context, input.Rank);
        var sizes = Sizes(context, input, axis);
        var dims = input.ToArray();
        for (int o = 0; o < sizes.Length; o++)
        {
            dims[axis] = sizes[o];
            context.SetOutput(o, context.InputType(0), new TensorShape(dims));
        }
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var input = context.InputShape(0);
        int axis = Axis(context, input.Rank);
        var sizes = Sizes(context, input, axis);
        int innerBytes = input.SizeBetween(axis + 1, input.Rank) * context.InputType(0).SizeOf();
        var blockBytes = new int[sizes.Length];
        var present = new bool[sizes.Length];
        for (int o = 0; o < sizes.Length; o++)
        {
            blockBytes[o] = sizes[o] * innerBytes;
            present[o] = context.HasOutput(o);
        }
        return new SplitKernel(input.SizeBetween(0, axis), blockBytes, present);
    }

    public override long CountOperations(NodeContext context) => 0;

    private static int Axis(NodeContext context, int rank)
    {
        context.RequireInputs(1, 2);
        long axis = context.Attributes.GetInt("axis", 0);
        if (axis < -rank || axis >= rank)
            throw context.Fail($"attribute 'axis' = {axis} is out of range [{-rank}, {rank - 1}] for input rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    private static int[] Sizes(NodeContext context, TensorShape input, int axis)
    {
        int dim = input[axis];
        int outputs = context.OutputCount;
        if (context.HasInput(1))
        {
            var split = context.RequireConstant(1, "split");
            if (split.Type != DataType.Int64 || split.Shape.Rank != 1)
                throw context.Fail($"input 1 (split) must be a 1-D int64 tensor, is {split}");
            var values = split.ToInt64Array();
            if (values.Length != outputs)
                throw context.Fail($"input 1 (split) has {values.Length} sizes for {outputs} outputs");
            if (values.Any(v => v < 0) || values.Sum() != dim)
                throw context.Fail($"input 1 (split) [{string.Join(",", values)}] does not add up to {dim}, the size of axis {axis}");
            return values.Select(v => (int)v).ToArray();
        }
        if (context.Opset >= 18 && context.Attributes.Contains("num_outputs"))
        {
            long parts = context.Attributes.GetInt("num_outputs");
            if (parts < 1 || parts != outputs)
                throw context.Fail($"attribute 'num_outputs' = {parts} does not match the node's {outputs} outputs");
            // Equal chunks of ceil(dim / parts); the last takes what remains.
            int chunk = (int)((dim + parts - 1) / parts);
            var sizes = Enumerable.Repeat(chunk, outputs).ToArray();
            sizes[^1] = dim - (outputs - 1) * chunk;
            if (sizes[^1] < 0)
                throw context.Fail($"axis {axis} of size {dim} cannot be split into {parts} chunks of {chunk}");
            return sizes;
        }
        if (outputs < 1 || dim % outputs != 0)
            throw context.Fail($"axis {axis} of size {dim} cannot be split into {outputs} equal parts (give the 'split' input{(context.Opset >= 18 ? " or 'num_outputs'" : "")})");
        return Enumerable.Repeat(dim / outputs, outputs).ToArray();
    }

    private sealed class SplitKernel(int outer, int[] blockBytes, bool[] present) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var input = context.Input(0).Bytes;
            int offset = 0;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < blockBytes.Length; i++)
                {
                    int size = blockBytes[i];
                    if (present[i])
                        input.Slice(offset, size).CopyTo(context.Output(i).Bytes.Slice(o * size, size));
                    offset += size;
                }
        }
    }
}

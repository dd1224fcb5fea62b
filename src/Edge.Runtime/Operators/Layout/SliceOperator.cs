using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Slice: takes starts/ends/axes/steps (constant inputs) with ONNX's clamping; negative steps walk backwards.</summary>
public sealed class SliceOperator : Operator
{
    public override string OpType => "Slice";

    public override string TypeConstraints => "T: float, int64, int32, uint8, int8, bool; Tind: int32, int64";

    public override void InferOutputs(NodeContext context)
    {
        var (_, _, counts) = Resolve(context);
        context.SetOutput(0, context.InputType(0), new TensorShape(counts));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var input = context.InputShape(0);
        var (starts, steps, counts) = Resolve(context);
        var inputStrides = input.Strides();
        var strides = new int[input.Rank];
        int baseOffset = 0;
        for (int d = 0; d < input.Rank; d++)
        {
            strides[d] = inputStrides[d] * steps[d];
            if (counts[d] > 0)
                baseOffset += starts[d] * inputStrides[d];
        }
        return new StridedKernel(StridedCopy.Create(counts, strides, baseOffset, context.InputType(0).SizeOf(), input.ElementCount));
    }

    public override long CountOperations(NodeContext context) => 0;

    /// <summary>Per input axis: the first index taken, the step and how many are taken.</summary>
    private static (int[] Starts, int[] Steps, int[] Counts) Resolve(NodeContext context)
    {
        context.RequireInputs(3, 5);
        var input = context.InputShape(0);
        int rank = input.Rank;
        var startValues = ReadIndices(context, 1, "starts")!;
        var endValues = ReadIndices(context, 2, "ends")!;
        var axisValues = ReadIndices(context, 3, "axes");
        var stepValues = ReadIndices(context, 4, "steps");
        int n = startValues.Length;
        if (endValues.Length != n || (axisValues is not null && axisValues.Length != n) || (stepValues is not null && stepValues.Length != n))
            throw context.Fail($"starts, ends, axes and steps must have the same length (starts has {n}, ends {endValues.Length}{(axisValues is null ? "" : $", axes {axisValues.Length}")}{(stepValues is null ? "" : $", steps {stepValues.Length}")})");
        var axes = axisValues is null ? Enumerable.Range(0, n).ToArray() : AxisList.Normalize(context, axisValues, rank, "input 3 (axes)");
        if (axisValues is null && n > rank)
            throw context.Fail($"starts has {n} entries for an input of rank {rank}");

        var starts = new int[rank];
        var steps = new int[rank];
        var counts = input.ToArray();
        Array.Fill(steps, 1);
        for (int i = 0; i < n; i++)
        {
            int axis = axes[i];
            long dim = input[axis];
            long step = stepValues is null ? 1 : stepValues[i];
            if (step == 0)
                throw context.Fail($"input 4 (steps) has 0 for axis {axis}");
            if (step > int.MaxValue || step < -int.MaxValue)
                throw context.Fail($"input 4 (steps) has {step} for axis {axis}, out of range");
            long start = startValues[i], end = endValues[i];
            if (start < 0) start += dim;
            if (end < 0) end += dim;
            long count;
            if (dim == 0)
            {
                start = 0;
                count = 0;
            }
            else if (step > 0)
            {
                start = Math.Clamp(start, 0, dim);
                end = Math.Clamp(end, 0, dim);
                count = end > start ? (end - start + step - 1) / step : 0;
            }
            else
            {
                start = Math.Clamp(start, 0, dim - 1);
                end = Math.Clamp(end, -1, dim - 1);
                count = start > end ? (start - end - step - 1) / -step : 0;
            }
            starts[axis] = (int)Math.Max(start, 0);
            steps[axis] = (int)step;
            counts[axis] = (int)count;
        }
        return (starts, steps, counts);
    }

    private static long[]? ReadIndices(NodeContext context, int index, string what)
    {
        if (!context.HasInput(index))
            return null;
        var tensor = context.RequireConstant(index, what);
        if (tensor.Type is not (DataType.Int64 or DataType.Int32) || tensor.Shape.Rank != 1)
            throw context.Fail($"input {index} ({what}) must be a 1-D int32 or int64 tensor, is {tensor}");
        return tensor.ToInt64Array();
    }
}

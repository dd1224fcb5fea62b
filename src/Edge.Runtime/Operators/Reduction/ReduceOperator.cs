using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Reduction;

/// <summary>
/// Base of the Reduce* operators: axes come from the 'axes' attribute before <see cref="AxesInputOpset"/>
/// and from a constant second input from then on; keepdims; noop_with_empty_axes where the opset has it.
/// </summary>
public abstract class ReduceOperator : Operator
{
    private static readonly DataType[] Numeric = [DataType.Float32, DataType.Int32, DataType.Int64];
    private static readonly DataType[] Ordered = [DataType.Float32, DataType.Int32, DataType.Int64, DataType.UInt8, DataType.Int8];

    /// <summary>The opset from which axes is an input (13 for ReduceSum, 18 for the others).</summary>
    protected virtual int AxesInputOpset => 18;

    /// <summary>Whether the op only compares (Max, Min), and so also takes uint8 and int8.</summary>
    protected virtual bool ComparesOnly => false;

    public override string TypeConstraints => ComparesOnly ? "float, int32, int64, uint8, int8" : "float, int32, int64";

    public override void InferOutputs(NodeContext context)
    {
        var type = context.RequireType(0, ComparesOnly ? Ordered : Numeric);
        var layout = Resolve(context);
        context.SetOutput(0, type, layout.Output);
    }

    public override Kernel CreateKernel(NodeContext context) => CreateKernel(context.InputType(0), Resolve(context));

    public override long CountOperations(NodeContext context) => context.InputShape(0).ElementCount;

    /// <summary>The kernel for <paramref name="type"/> over a resolved layout.</summary>
    internal abstract Kernel CreateKernel(DataType type, ReduceLayout layout);

    private ReduceLayout Resolve(NodeContext context)
    {
        var input = context.InputShape(0);
        bool axesInput = context.Opset >= AxesInputOpset;
        context.RequireInputs(1, axesInput ? 2 : 1);
        bool keepDims = context.Attributes.GetInt("keepdims", 1) != 0;
        bool noopWhenEmpty = axesInput && context.Attributes.GetInt("noop_with_empty_axes", 0) != 0;
        long[]? axes;
        if (axesInput)
        {
            if (context.Attributes.Contains("axes"))
                throw context.Fail($"attribute 'axes' is not allowed from opset {AxesInputOpset}; axes is input 1");
            axes = context.HasInput(1) ? context.RequireConstant(1, "axes").ToInt64Array() : null;
        }
        else
        {
            axes = context.Attributes.GetInts("axes");
        }

        var reduced = new bool[input.Rank];
        if (axes is null || axes.Length == 0)
        {
            if (noopWhenEmpty)
                return ReduceLayout.Identity(input);
            Array.Fill(reduced, true);
        }
        else
        {
            foreach (long axis in axes)
            {
                if (axis < -input.Rank || axis >= input.Rank)
                    throw context.Fail($"axis {axis} is out of range for input of rank {input.Rank}");
                int a = (int)(axis < 0 ? axis + input.Rank : axis);
                if (reduced[a])
                    throw context.Fail($"axis {axis} is listed twice in axes");
                reduced[a] = true;
            }
        }
        return new ReduceLayout(input, reduced, keepDims);
    }
}

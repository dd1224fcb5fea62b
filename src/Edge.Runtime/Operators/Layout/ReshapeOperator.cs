using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Reshape: a new shape for the same elements; 0 copies the input dimension (unless allowzero), -1 is inferred.</summary>
public sealed class ReshapeOperator : Operator
{
    public override string OpType => "Reshape";

    public override string TypeConstraints => "T: float, int64, int32, uint8, int8, bool; shape: int64";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 2);
        context.RequireType(1, DataType.Int64);
        var input = context.InputShape(0);
        var requested = context.RequireConstant(1, "shape");
        if (requested.Shape.Rank != 1)
            throw context.Fail($"input 1 (shape) must be 1-D, has shape {requested.Shape}");
        bool allowZero = context.Opset >= 14 && context.Attributes.GetInt("allowzero", 0) != 0;
        context.SetOutput(0, context.InputType(0), Resolve(context, input, requested.ToInt64Array(), allowZero));
    }

    public override Kernel CreateKernel(NodeContext context) => CopyKernel.Instance;

    public override long CountOperations(NodeContext context) => 0;

    /// <summary>The shape <paramref name="requested"/> gives <paramref name="input"/>'s elements (0 and −1 resolved); fails naming the node.</summary>
    internal static TensorShape Resolve(NodeContext context, TensorShape input, long[] requested, bool allowZero)
    {
        var dims = new int[requested.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.Length; i++)
        {
            long d = requested[i];
            if (d == -1)
            {
                if (inferred >= 0)
                    throw context.Fail($"shape {Format(requested)} has more than one -1 (at indices {inferred} and {i})");
                inferred = i;
                continue;
            }
            if (d < -1)
                throw context.Fail($"shape {Format(requested)} has invalid dimension {d} at index {i}");
            if (d == 0 && !allowZero)
            {
                if (i >= input.Rank)
                    throw context.Fail($"shape {Format(requested)} copies dimension {i} (0) but the input {input} has rank {input.Rank}");
                d = input[i];
            }
            if (d > int.MaxValue)
                throw context.Fail($"shape {Format(requested)} has dimension {d}, too large");
            dims[i] = (int)d;
            known *= d;
            if (known > int.MaxValue)
                throw context.Fail($"shape {Format(requested)} has more than 2^31 elements");
        }
        if (inferred >= 0)
        {
            if (allowZero && Array.IndexOf(requested, 0L) >= 0)
                throw context.Fail($"shape {Format(requested)} has both 0 and -1, which allowzero=1 forbids");
            if (known == 0 || input.ElementCount % known != 0)
                throw context.Fail($"cannot reshape {input} ({input.ElementCount} elements) to {Format(requested)}: the -1 dimension cannot be inferred");
            dims[inferred] = (int)(input.ElementCount / known);
        }
        else if (known != input.ElementCount)
        {
            throw context.Fail($"cannot reshape {input} ({input.ElementCount} elements) to {Format(requested)} ({known} elements)");
        }
        return new TensorShape(dims);
    }

    private static string Format(long[] dims) => $"[{string.Join(",", dims)}]";
}

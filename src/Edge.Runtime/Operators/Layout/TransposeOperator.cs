using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>
/// Transpose: permutes the axes (reverses them when <c>perm</c> is absent). Planner extension (not in
/// the ONNX spec; only <see cref="Planning.Transforms.ReshapeTransposeFusion"/> adds it): a constant
/// int64 shape as input 1 with <see cref="ReshapeAttribute"/> = "input" or "output" reshapes the input
/// before permuting or the result after it, with Reshape's rules (allowzero 0): one copy instead of two.
/// </summary>
public sealed class TransposeOperator : Operator
{
    /// <summary>Where the fused Reshape applies: "input" (before the permutation) or "output" (after it).</summary>
    public const string ReshapeAttribute = "reshape";

    public override string OpType => "Transpose";

    public override string TypeConstraints => "float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        var (_, _, output) = Resolve(context);
        context.SetOutput(0, context.InputType(0), output);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (input, permuted, _) = Resolve(context);
        var perm = Permutation(context, input.Rank);
        var inputStrides = input.Strides();
        var strides = new int[perm.Length];
        for (int d = 0; d < perm.Length; d++)
            strides[d] = inputStrides[perm[d]];
        // Axes that stay in order merge into contiguous runs; a swapped pair becomes a tiled 2-D transpose.
        // A reshaped output holds the permuted elements in the same order, so the copy writes it as is.
        return new StridedKernel(StridedCopy.Create(permuted.Dims, strides, 0, context.InputType(0).SizeOf(), input.ElementCount));
    }

    /// <summary>The input as permuted (after a fused input reshape), the permuted shape, and the output shape.</summary>
    internal static (TensorShape Input, TensorShape Permuted, TensorShape Output) Resolve(NodeContext context)
    {
        context.RequireInputs(1, 2);
        var input = context.InputShape(0);
        string where = context.Attributes.GetString(ReshapeAttribute, "");
        long[]? shape = null;
        if (context.HasInput(1))
        {
            context.RequireType(1, DataType.Int64);
            var requested = context.RequireConstant(1, "shape");
            if (requested.Shape.Rank != 1)
                throw context.Fail($"input 1 (shape) must be 1-D, has shape {requested.Shape}");
            if (where is not ("input" or "output"))
                throw context.Fail($"input 1 (shape) needs attribute '{ReshapeAttribute}' = 'input' or 'output' (is '{where}')");
            shape = requested.ToInt64Array();
        }
        else if (where.Length > 0)
        {
            throw context.Fail($"attribute '{ReshapeAttribute}' is '{where}' but input 1 (shape) is missing");
        }
        if (shape is not null && where == "input")
            input = ReshapeOperator.Resolve(context, input, shape, allowZero: false);
        var perm = Permutation(context, input.Rank);
        var dims = new int[input.Rank];
        for (int d = 0; d < dims.Length; d++)
            dims[d] = input[perm[d]];
        var permuted = new TensorShape(dims);
        var output = shape is not null && where == "output" ? ReshapeOperator.Resolve(context, permuted, shape, allowZero: false) : permuted;
        return (input, permuted, output);
    }

    public override long CountOperations(NodeContext context) => 0;

    private static int[] Permutation(NodeContext context, int rank)
    {
        var attribute = context.Attributes.GetInts("perm");
        if (attribute is null)
        {
            var reversed = new int[rank];
            for (int d = 0; d < rank; d++)
                reversed[d] = rank - 1 - d;
            return reversed;
        }
        if (attribute.Length != rank)
            throw context.Fail($"attribute 'perm' [{string.Join(",", attribute)}] has {attribute.Length} entries; the input has rank {rank}");
        var perm = new int[rank];
        var seen = new bool[rank];
        for (int d = 0; d < rank; d++)
        {
            long axis = attribute[d];
            if (axis < 0 || axis >= rank || seen[axis])
                throw context.Fail($"attribute 'perm' [{string.Join(",", attribute)}] is not a permutation of 0..{rank - 1}");
            seen[axis] = true;
            perm[d] = (int)axis;
        }
        return perm;
    }
}

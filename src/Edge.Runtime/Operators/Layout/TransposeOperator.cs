using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Transpose: permutes the axes (reverses them when <c>perm</c> is absent).</summary>
public sealed class TransposeOperator : Operator
{
    public override string OpType => "Transpose";

    public override string TypeConstraints => "float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        var input = context.InputShape(0);
        var perm = Permutation(context, input.Rank);
        var dims = new int[input.Rank];
        for (int d = 0; d < dims.Length; d++)
            dims[d] = input[perm[d]];
        context.SetOutput(0, context.InputType(0), new TensorShape(dims));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var input = context.InputShape(0);
        var perm = Permutation(context, input.Rank);
        var inputStrides = input.Strides();
        var strides = new int[perm.Length];
        for (int d = 0; d < perm.Length; d++)
            strides[d] = inputStrides[perm[d]];
        // Axes that stay in order merge into contiguous runs; a swapped pair becomes a tiled 2-D transpose.
        return new StridedKernel(StridedCopy.Create(context.OutputShape(0).Dims, strides, 0, context.InputType(0).SizeOf(), input.ElementCount));
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

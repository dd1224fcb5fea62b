using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Validation of axis lists read from attributes or constant inputs.</summary>
internal static class AxisList
{
    /// <summary>Maps possibly negative axes into [0, rank); fails naming <paramref name="what"/> on out-of-range or repeated axes.</summary>
    public static int[] Normalize(NodeContext context, long[] axes, int rank, string what)
    {
        var result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            long axis = axes[i];
            if (axis < -rank || axis >= rank)
                throw context.Fail($"{what} has axis {axis}, out of range [{-rank}, {rank - 1}]");
            result[i] = (int)(axis < 0 ? axis + rank : axis);
            if (Array.IndexOf(result, result[i], 0, i) >= 0)
                throw context.Fail($"{what} repeats axis {axis}");
        }
        return result;
    }

    /// <summary>The optional axes input at <paramref name="index"/> as a constant list, or null when omitted.</summary>
    public static long[]? ReadOptionalInput(NodeContext context, int index, string what)
    {
        if (!context.HasInput(index))
            return null;
        var tensor = context.RequireConstant(index, what);
        if (tensor.Type is not (DataType.Int64 or DataType.Int32))
            throw context.Fail($"input {index} ({what}) has type {tensor.Type.OnnxName()}; expected int64 or int32");
        if (tensor.Shape.Rank > 1)
            throw context.Fail($"input {index} ({what}) must be 1-D, has shape {tensor.Shape}");
        return tensor.ToInt64Array();
    }
}

using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Shape helpers shared by the float device ops (all limited to four axes).</summary>
internal static class FloatLaunchers
{
    public const int MaxRank = 4;

    /// <summary>Right-aligned dims padded to four.</summary>
    public static int[] Pad(TensorShape shape)
    {
        var dims = new int[MaxRank];
        Array.Fill(dims, 1);
        for (int d = 0; d < shape.Rank; d++)
            dims[MaxRank - shape.Rank + d] = shape[d];
        return dims;
    }

    /// <summary>Strides of <paramref name="input"/> broadcast to four output axes (0 on broadcast axes).</summary>
    public static int[] BroadcastStrides(TensorShape input, int[] output)
    {
        var dims = Pad(input);
        var strides = new int[MaxRank];
        int stride = 1;
        for (int d = MaxRank - 1; d >= 0; d--)
        {
            strides[d] = dims[d] == 1 && output[d] != 1 ? 0 : stride;
            stride *= dims[d];
        }
        return strides;
    }

    public static bool FloatsUpTo4(NodeContext context, params int[] inputs) =>
        inputs.All(i => context.HasInput(i) && context.InputType(i) == DataType.Float32 && context.InputShape(i).Rank <= MaxRank)
        && context.OutputType(0) == DataType.Float32 && context.OutputShape(0).Rank <= MaxRank;
}

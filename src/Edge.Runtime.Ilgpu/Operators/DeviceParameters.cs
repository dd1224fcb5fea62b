using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Quantization;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Reads the constant scales and zero points the device kernels bake in at build time.</summary>
internal static class DeviceParameters
{
    /// <summary>Whether every listed input is absent or constant.</summary>
    public static bool AbsentOrConstant(NodeContext context, params int[] indices) =>
        indices.All(i => !context.HasInput(i) || context.InputValue(i) is not null);

    /// <summary>Whether input <paramref name="index"/> is computed at run time (so it lives on the device).</summary>
    public static bool IsRunTime(NodeContext context, int index) => context.HasInput(index) && context.InputValue(index) is null;

    /// <summary>The zero points as ints, <paramref name="count"/> of them (one value broadcast; 0 when absent).</summary>
    public static int[] ZeroPoints(NodeContext context, int index, int count)
    {
        var result = new int[count];
        QuantizedValues.ZeroPoints(context.HasInput(index) ? context.InputValue(index) : null, result);
        return result;
    }

    public static float[] Floats(NodeContext context, int index) => context.InputValue(index)!.AsSpan<float>().ToArray();

    public static bool IsInt8(NodeContext context, int index) => context.InputType(index) == DataType.Int8;

    public static int Flag(bool value) => value ? 1 : 0;
}

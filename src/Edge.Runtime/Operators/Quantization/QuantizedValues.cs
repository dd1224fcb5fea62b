using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>Reads scales and zero points (per-tensor or per-channel) of quantized tensors.</summary>
internal static class QuantizedValues
{
    /// <summary>The zero point's element <paramref name="index"/> as int (0 when the input is omitted).</summary>
    public static int ZeroPoint(Tensor? zeroPoint, int index = 0) => zeroPoint is null ? 0 : zeroPoint.Type switch
    {
        DataType.UInt8 => zeroPoint.Bytes[index],
        DataType.Int8 => (sbyte)zeroPoint.Bytes[index],
        DataType.Int32 => zeroPoint.AsSpan<int>()[index],
        _ => throw new InvalidOperationException($"zero point of type {zeroPoint.Type.OnnxName()}"),
    };

    /// <summary>Fills <paramref name="destination"/> with the zero points, broadcasting a single value.</summary>
    public static void ZeroPoints(Tensor? zeroPoint, Span<int> destination)
    {
        if (zeroPoint is null)
        {
            destination.Clear();
            return;
        }
        if (zeroPoint.ElementCount == 1)
        {
            destination.Fill(ZeroPoint(zeroPoint));
            return;
        }
        for (int i = 0; i < destination.Length; i++)
            destination[i] = ZeroPoint(zeroPoint, i);
    }

    /// <summary>Whether <paramref name="zeroPoint"/> is a known (constant) tensor whose every value is 0.</summary>
    public static bool IsConstantZero(Tensor? zeroPoint)
    {
        if (zeroPoint is null)
            return false;
        for (int i = 0; i < zeroPoint.ElementCount; i++)
            if (ZeroPoint(zeroPoint, i) != 0)
                return false;
        return true;
    }

    public static float Scale(Tensor scale) => scale.AsSpan<float>()[0];

    /// <summary>Checks a scale or zero point input is a scalar or one-element tensor.</summary>
    public static void RequireScalar(NodeContext context, int index, string what)
    {
        if (context.HasInput(index) && context.InputShape(index).ElementCount != 1)
            throw context.Fail($"input {index} ({what}) must be a scalar or a 1-element tensor, has shape {context.InputShape(index)}");
    }

    /// <summary>Checks a per-tensor or per-channel input: scalar, or a 1-D tensor of <paramref name="channels"/> values.</summary>
    public static void RequireScalarOrVector(NodeContext context, int index, int channels, string what)
    {
        if (!context.HasInput(index))
            return;
        var shape = context.InputShape(index);
        if (shape.ElementCount == 1 && shape.Rank <= 1)
            return;
        if (shape.Rank == 1 && shape[0] == channels)
            return;
        throw context.Fail($"input {index} ({what}) must be a scalar or a 1-D tensor of {channels} values, has shape {shape}");
    }

    /// <summary>Checks the zero point's type is uint8 or int8 and, when <paramref name="expected"/> is given, matches it.</summary>
    public static void RequireZeroPointType(NodeContext context, int index, DataType? expected, string what)
    {
        if (!context.HasInput(index))
            return;
        var type = context.InputType(index);
        if (type != DataType.UInt8 && type != DataType.Int8 || expected is { } e && e != type)
            throw context.Fail($"input {index} ({what}) has type {type.OnnxName()}; expected {(expected ?? DataType.UInt8).OnnxName()}{(expected is null ? " or int8" : "")}");
    }

    public static void RequireFloat(NodeContext context, int index, string what)
    {
        if (context.HasInput(index) && context.InputType(index) != DataType.Float32)
            throw context.Fail($"input {index} ({what}) must be float, has {context.InputType(index).OnnxName()}");
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>Shared validation, broadcasting and parameter reading of QLinearAdd and QLinearMul (inputs A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp).</summary>
internal sealed class QLinearBinary(BroadcastRuns runs, bool signed)
{
    public BroadcastRuns Runs { get; } = runs;

    public bool Signed { get; } = signed;

    public readonly ref struct Parameters(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> c, float aScale, int aZero, float bScale, int bZero, float cScale, int cZero)
    {
        public readonly ReadOnlySpan<byte> A = a, B = b;
        public readonly Span<byte> C = c;
        public readonly float AScale = aScale, BScale = bScale, CScale = cScale;
        public readonly int AZero = aZero, BZero = bZero, CZero = cZero;
    }

    public static void Infer(NodeContext context)
    {
        context.RequireInputs(7, 8);
        var type = context.RequireType(0, DataType.UInt8, DataType.Int8);
        context.RequireType(3, type);
        foreach (var (index, what) in new[] { (1, "A_scale"), (4, "B_scale"), (6, "C_scale") })
        {
            QuantizedValues.RequireFloat(context, index, what);
            QuantizedValues.RequireScalar(context, index, what);
        }
        foreach (var (index, what) in new[] { (2, "A_zero_point"), (5, "B_zero_point"), (7, "C_zero_point") })
        {
            QuantizedValues.RequireZeroPointType(context, index, type, what);
            QuantizedValues.RequireScalar(context, index, what);
        }
        try
        {
            context.SetOutput(0, type, Broadcasting.Shape(context.InputShape(0), context.InputShape(3)));
        }
        catch (ArgumentException e)
        {
            throw context.Fail(e.Message);
        }
    }

    public static QLinearBinary Create(NodeContext context) =>
        new(BroadcastRuns.Create(context.InputShape(0), context.InputShape(3), context.OutputShape(0)), context.InputType(0) == DataType.Int8);

    public Parameters Read(KernelContext context) => new(
        context.Input(0).Bytes, context.Input(3).Bytes, context.Output(0).Bytes,
        QuantizedValues.Scale(context.Input(1)), QuantizedValues.ZeroPoint(context.OptionalInput(2)),
        QuantizedValues.Scale(context.Input(4)), QuantizedValues.ZeroPoint(context.OptionalInput(5)),
        QuantizedValues.Scale(context.Input(6)), QuantizedValues.ZeroPoint(context.OptionalInput(7)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Value(ReadOnlySpan<byte> data, int index, bool signed) => signed ? (sbyte)data[index] : data[index];

    /// <summary>Eight elements from <paramref name="start"/> (or one broadcast value when <paramref name="step"/> is 0) widened to int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(ReadOnlySpan<byte> data, int step, int start, bool signed) =>
        step == 0 ? Vector256.Create(Value(data, 0, signed)) : Requantizer.WidenEight(data, start, signed);
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>
/// Cast between float, int64, int32, uint8, int8 and bool. Float to integer truncates toward zero
/// (like C) and then wraps to the target width; anything to bool is "non-zero". The opset-19
/// <c>saturate</c> attribute only concerns float8 types, which Edge does not have.
/// </summary>
public sealed class CastOperator : Operator
{
    public override string OpType => "Cast";

    public override string TypeConstraints => "T1, T2: float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.SetOutput(0, Target(context), context.InputShape(0));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var from = context.InputType(0);
        var to = Target(context);
        return from == to ? CopyKernel.Instance : new CastKernel(Select(from, to));
    }

    private static DataType Target(NodeContext context)
    {
        long code = context.Attributes.GetInt("to");
        return DataTypes.FromOnnx((int)code) is { } type && code == (int)code
            ? type
            : throw context.Fail($"attribute 'to' = {DataTypes.OnnxCodeName((int)code)} is not supported (Edge computes with float, int64, int32, uint8, int8, bool)");
    }

    private delegate void CastLoop(ReadOnlySpan<byte> source, Span<byte> destination);

    private static CastLoop Select(DataType from, DataType to) => from switch
    {
        DataType.Float32 => From<float>(to),
        DataType.Int64 => From<long>(to),
        DataType.Int32 => From<int>(to),
        DataType.UInt8 => From<byte>(to),
        DataType.Int8 => From<sbyte>(to),
        DataType.Bool => From<bool>(to),
        _ => throw new NotSupportedException($"cast from {from.OnnxName()}"),
    };

    private static CastLoop From<TFrom>(DataType to) where TFrom : unmanaged => to switch
    {
        DataType.Float32 => Convert<TFrom, float>,
        DataType.Int64 => Convert<TFrom, long>,
        DataType.Int32 => Convert<TFrom, int>,
        DataType.UInt8 => Convert<TFrom, byte>,
        DataType.Int8 => Convert<TFrom, sbyte>,
        DataType.Bool => Convert<TFrom, bool>,
        _ => throw new NotSupportedException($"cast to {to.OnnxName()}"),
    };

    private static void Convert<TFrom, TTo>(ReadOnlySpan<byte> sourceBytes, Span<byte> destinationBytes)
        where TFrom : unmanaged
        where TTo : unmanaged
    {
        var source = MemoryMarshal.Cast<byte, TFrom>(sourceBytes);
        var destination = MemoryMarshal.Cast<byte, TTo>(destinationBytes);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            i = ConvertVectorised(source, destination);
        for (; i < source.Length; i++)
            destination[i] = Element<TFrom, TTo>(source[i]);
    }

    /// <summary>SIMD prefix for the casts int8 models run on activations; returns how many elements it did.</summary>
    private static int ConvertVectorised<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
        where TFrom : unmanaged
        where TTo : unmanaged
    {
        int n = source.Length, w = Vector<int>.Count, i = 0;
        if (typeof(TFrom) == typeof(float) && typeof(TTo) == typeof(int))
        {
            var s = MemoryMarshal.Cast<TFrom, float>(source);
            var d = MemoryMarshal.Cast<TTo, int>(destination);
            for (; i <= n - w; i += w)
                Vector.ConvertToInt32(new Vector<float>(s.Slice(i, w))).CopyTo(d.Slice(i, w));
        }
        else if (typeof(TFrom) == typeof(int) && typeof(TTo) == typeof(float))
        {
            var s = MemoryMarshal.Cast<TFrom, int>(source);
            var d = MemoryMarshal.Cast<TTo, float>(destination);
            for (; i <= n - w; i += w)
                Vector.ConvertToSingle(new Vector<int>(s.Slice(i, w))).CopyTo(d.Slice(i, w));
        }
        else if (typeof(TFrom) == typeof(byte) && typeof(TTo) == typeof(float))
        {
            var s = MemoryMarshal.Cast<TFrom, byte>(source);
            var d = MemoryMarshal.Cast<TTo, float>(destination);
            int step = Vector<byte>.Count;
            for (; i <= n - step; i += step)
            {
                Vector.Widen(new Vector<byte>(s.Slice(i, step)), out var low, out var high);
                Vector.Widen(low, out var a, out var b);
                Vector.Widen(high, out var c, out var e);
                Vector.ConvertToSingle(Vector.AsVectorInt32(a)).CopyTo(d.Slice(i, w));
                Vector.ConvertToSingle(Vector.AsVectorInt32(b)).CopyTo(d.Slice(i + w, w));
                Vector.ConvertToSingle(Vector.AsVectorInt32(c)).CopyTo(d.Slice(i + 2 * w, w));
                Vector.ConvertToSingle(Vector.AsVectorInt32(e)).CopyTo(d.Slice(i + 3 * w, w));
            }
        }
        else if (typeof(TFrom) == typeof(sbyte) && typeof(TTo) == typeof(float))
        {
            var s = MemoryMarshal.Cast<TFrom, sbyte>(source);
            var d = MemoryMarshal.Cast<TTo, float>(destination);
            int step = Vector<sbyte>.Count;
            for (; i <= n - step; i += step)
            {
                Vector.Widen(new Vector<sbyte>(s.Slice(i, step)), out var low, out var high);
                Vector.Widen(low, out var a, out var b);
                Vector.Widen(high, out var c, out var e);
                Vector.ConvertToSingle(a).CopyTo(d.Slice(i, w));
                Vector.ConvertToSingle(b).CopyTo(d.Slice(i + w, w));
                Vector.ConvertToSingle(c).CopyTo(d.Slice(i + 2 * w, w));
                Vector.ConvertToSingle(e).CopyTo(d.Slice(i + 3 * w, w));
            }
        }
        return i;
    }

    /// <summary>One element; the type tests are JIT-time constants, so each instantiation is a single conversion.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo Element<TFrom, TTo>(TFrom value)
        where TFrom : unmanaged
        where TTo : unmanaged
    {
        if (typeof(TFrom) == typeof(float))
        {
            float f = Unsafe.As<TFrom, float>(ref value);
            if (typeof(TTo) == typeof(float))
                return Unsafe.As<float, TTo>(ref f);
            if (typeof(TTo) == typeof(bool))
            {
                bool b = f != 0;
                return Unsafe.As<bool, TTo>(ref b);
            }
            // Through a 32-bit integer for narrower targets, as x64 C compilers do (and as the SIMD path saturates).
            return typeof(TTo) == typeof(long) ? FromInteger<TTo>((long)f) : FromInteger<TTo>((int)f);
        }
        long v = ToInteger(value);
        if (typeof(TTo) == typeof(float))
        {
            float f = v;
            return Unsafe.As<float, TTo>(ref f);
        }
        if (typeof(TTo) == typeof(bool))
        {
            bool b = v != 0;
            return Unsafe.As<bool, TTo>(ref b);
        }
        return FromInteger<TTo>(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ToInteger<T>(T value) where T : unmanaged
    {
        if (typeof(T) == typeof(long)) return Unsafe.As<T, long>(ref value);
        if (typeof(T) == typeof(int)) return Unsafe.As<T, int>(ref value);
        if (typeof(T) == typeof(byte)) return Unsafe.As<T, byte>(ref value);
        if (typeof(T) == typeof(sbyte)) return Unsafe.As<T, sbyte>(ref value);
        return Unsafe.As<T, bool>(ref value) ? 1 : 0;
    }

    /// <summary>Wraps to the target width, as C's integer conversions do.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FromInteger<T>(long value) where T : unmanaged
    {
        if (typeof(T) == typeof(long)) return Unsafe.As<long, T>(ref value);
        if (typeof(T) == typeof(int)) { int x = unchecked((int)value); return Unsafe.As<int, T>(ref x); }
        if (typeof(T) == typeof(byte)) { byte x = unchecked((byte)value); return Unsafe.As<byte, T>(ref x); }
        sbyte s = unchecked((sbyte)value);
        return Unsafe.As<sbyte, T>(ref s);
    }

    private sealed class CastKernel(CastLoop loop) : Kernel
    {
        public override void Execute(KernelContext context) => loop(context.Input(0).Bytes, context.Output(0).Bytes);
    }
}

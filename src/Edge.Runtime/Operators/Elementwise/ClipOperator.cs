using System.Numerics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>
/// Clip: min(max(x, min), max), the bounds being optional scalar inputs (read per run, so they may
/// be computed). When min &gt; max every element becomes max, as the ONNX spec says.
/// </summary>
public sealed class ClipOperator : Operator
{
    public override string OpType => "Clip";

    public override string TypeConstraints => "float, int32, int64, uint8, int8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 3);
        var type = context.RequireType(0, DataType.Float32, DataType.Int32, DataType.Int64, DataType.UInt8, DataType.Int8);
        for (int i = 1; i < context.InputCount; i++)
        {
            if (!context.HasInput(i))
                continue;
            string name = i == 1 ? "min" : "max";
            if (context.InputType(i) != type)
                throw context.Fail($"input {i} ({name}) has type {context.InputType(i).OnnxName()}, input {type.OnnxName()}");
            if (context.InputShape(i).ElementCount != 1)
                throw context.Fail($"input {i} ({name}) must be a scalar, has shape {context.InputShape(i)}");
        }
        context.SetOutput(0, type, context.InputShape(0));
    }

    public override Kernel CreateKernel(NodeContext context) => context.InputType(0) switch
    {
        DataType.Float32 => new ClipKernel<float>(float.NegativeInfinity, float.PositiveInfinity),
        DataType.Int32 => new ClipKernel<int>(int.MinValue, int.MaxValue),
        DataType.Int64 => new ClipKernel<long>(long.MinValue, long.MaxValue),
        DataType.UInt8 => new ClipKernel<byte>(byte.MinValue, byte.MaxValue),
        _ => new ClipKernel<sbyte>(sbyte.MinValue, sbyte.MaxValue),
    };

    private sealed class ClipKernel<T>(T lowest, T highest) : Kernel where T : unmanaged, INumber<T>
    {
        public override void Execute(KernelContext context)
        {
            T min = context.OptionalInput(1) is { } minTensor ? minTensor.AsSpan<T>()[0] : lowest;
            T max = context.OptionalInput(2) is { } maxTensor ? maxTensor.AsSpan<T>()[0] : highest;
            var x = context.Input(0).AsSpan<T>();
            var y = context.Output(0).AsSpan<T>();
            int i = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                var lo = new Vector<T>(min);
                var hi = new Vector<T>(max);
                for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                    Vector.Min(Vector.Max(new Vector<T>(x.Slice(i, Vector<T>.Count)), lo), hi).CopyTo(y.Slice(i, Vector<T>.Count));
            }
            for (; i < x.Length; i++)
            {
                T v = x[i] < min ? min : x[i];
                y[i] = v > max ? max : v;
            }
        }
    }
}

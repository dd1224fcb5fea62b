using System.Runtime.Intrinsics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// DequantizeLinear: y = float(x − zero_point) · scale (integer subtraction first, as ONNX Runtime
/// does), per tensor or per axis; uint8, int8 and int32 (bias) inputs. Not folded at plan time, so
/// int8 weights stay compressed.
/// </summary>
public sealed class DequantizeLinearOperator : Operator
{
    public override string OpType => "DequantizeLinear";

    public override string TypeConstraints => "uint8, int8, int32 → float";

    public override bool CanFold => false;

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 3);
        var type = context.RequireType(0, DataType.UInt8, DataType.Int8, DataType.Int32);
        QuantizedValues.RequireFloat(context, 1, "x_scale");
        if (context.Attributes.GetInt("block_size", 0) != 0)
            throw context.Fail("block quantization (block_size attribute) is not supported");
        if (context.HasInput(2) && context.InputType(2) != type)
            throw context.Fail($"x_zero_point has type {context.InputType(2).OnnxName()}, x has {type.OnnxName()}");
        var shape = context.InputShape(0);
        QuantizeLinearOperator.Geometry(context, shape);
        context.SetOutput(0, DataType.Float32, shape);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (outer, channels, inner) = QuantizeLinearOperator.Geometry(context, context.InputShape(0));
        return new DequantizeKernel(outer, channels, inner, context.InputType(0));
    }

    private sealed class DequantizeKernel(int outer, int channels, int inner, DataType type) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0);
            var scales = context.Input(1).AsSpan<float>();
            var zeroPoint = context.OptionalInput(2);
            var y = context.Output(0).AsSpan<float>();
            for (int o = 0; o < outer; o++)
                for (int c = 0; c < channels; c++)
                {
                    int start = (o * channels + c) * inner;
                    int zp = QuantizedValues.ZeroPoint(zeroPoint, zeroPoint is { ElementCount: > 1 } ? c : 0);
                    var dst = y.Slice(start, inner);
                    if (type == DataType.Int32)
                        Dequantize(x.AsSpan<int>().Slice(start, inner), scales[c], zp, dst);
                    else
                        Dequantize(x.Bytes.Slice(start, inner), type == DataType.Int8, scales[c], zp, dst);
                }
        }

        private static void Dequantize(ReadOnlySpan<byte> x, bool signed, float scale, int zeroPoint, Span<float> y)
        {
            int i = 0;
            if (Vector256.IsHardwareAccelerated && x.Length >= 8)
            {
                var vScale = Vector256.Create(scale);
                var vZero = Vector256.Create(zeroPoint);
                for (; i <= x.Length - 8; i += 8)
                    (Vector256.ConvertToSingle(Requantizer.WidenEight(x, i, signed) - vZero) * vScale).CopyTo(y.Slice(i, 8));
            }
            for (; i < x.Length; i++)
                y[i] = (float)((signed ? (sbyte)x[i] : x[i]) - zeroPoint) * scale;
        }

        private static void Dequantize(ReadOnlySpan<int> x, float scale, int zeroPoint, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = (float)(x[i] - zeroPoint) * scale;
        }
    }
}

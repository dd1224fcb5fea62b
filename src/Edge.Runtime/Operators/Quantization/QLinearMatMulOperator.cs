using System.Runtime.InteropServices;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// QLinearMatMul: int32 accumulation of (a − a_zp)(b − b_zp), requantized with ONNX Runtime's
/// multiplier a_scale · b_scale[n] / y_scale (evaluated left to right in float), round half to even,
/// + y_zero_point, saturate. b's scale and zero point per tensor or per column.
/// </summary>
public sealed class QLinearMatMulOperator : Operator
{
    public override string OpType => "QLinearMatMul";

    public override string TypeConstraints => "uint8, int8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(8, 8);
        var aType = context.RequireType(0, DataType.UInt8, DataType.Int8);
        var bType = context.RequireType(3, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireFloat(context, 1, "a_scale");
        QuantizedValues.RequireFloat(context, 4, "b_scale");
        QuantizedValues.RequireFloat(context, 6, "y_scale");
        QuantizedValues.RequireZeroPointType(context, 2, aType, "a_zero_point");
        QuantizedValues.RequireZeroPointType(context, 5, bType, "b_zero_point");
        QuantizedValues.RequireZeroPointType(context, 7, null, "y_zero_point");
        var layout = MatMulLayout.Create(context, 0, 3, pack: false);
        QuantizedValues.RequireScalar(context, 1, "a_scale");
        QuantizedValues.RequireScalar(context, 2, "a_zero_point");
        QuantizedValues.RequireScalarOrVector(context, 4, layout.N, "b_scale");
        QuantizedValues.RequireScalarOrVector(context, 5, layout.N, "b_zero_point");
        QuantizedValues.RequireScalar(context, 6, "y_scale");
        QuantizedValues.RequireScalar(context, 7, "y_zero_point");
        context.SetOutput(0, context.InputType(7), layout.Output);
    }

    public override Kernel CreateKernel(NodeContext context) => new QLinearMatMulKernel(
        MatMulLayout.Create(context, 0, 3, pack: true),
        context.InputType(0) == DataType.Int8, context.InputType(3) == DataType.Int8, context.InputType(7) == DataType.Int8);

    public override long CountOperations(NodeContext context) =>
        2L * context.OutputShape(0).ElementCount * context.InputShape(0)[context.InputShape(0).Rank - 1];

    private sealed class QLinearMatMulKernel(MatMulLayout layout, bool aSigned, bool bSigned, bool ySigned) : Kernel
    {
        private readonly int _accumulatorCount = layout.Batches * layout.M * layout.N;

        public override int WorkspaceBytes => (_accumulatorCount + 2 * layout.N) * sizeof(int);

        public override void Execute(KernelContext context)
        {
            int n = layout.N;
            var ints = MemoryMarshal.Cast<byte, int>(context.Workspace.AsSpan(0, WorkspaceBytes));
            var acc = ints[.._accumulatorCount];
            var bZero = ints.Slice(_accumulatorCount, n);
            var scales = MemoryMarshal.Cast<int, float>(ints.Slice(_accumulatorCount + n, n));

            var bScale = context.Input(4).AsSpan<float>();
            var bZeroInput = context.OptionalInput(5);
            int channels = Math.Max(bScale.Length, bZeroInput?.ElementCount ?? 1);
            if (channels == 1)
            {
                bZero = bZero[..1];
                scales = scales[..1];
            }
            QuantizedValues.ZeroPoints(bZeroInput, bZero);
            float aScale = QuantizedValues.Scale(context.Input(1));
            float yScale = QuantizedValues.Scale(context.Input(6));
            for (int i = 0; i < scales.Length; i++)
                scales[i] = aScale * bScale[bScale.Length == 1 ? 0 : i] / yScale;

            layout.Multiply(context.Input(0).Bytes, aSigned, QuantizedValues.ZeroPoint(context.Input(2)),
                context.Input(3).Bytes, bSigned, bZero, acc, context.Parallel);

            int yZero = QuantizedValues.ZeroPoint(context.Input(7));
            var y = context.Output(0).Bytes;
            int rows = _accumulatorCount / Math.Max(n, 1);
            for (int r = 0; r < rows; r++)
                Requantizer.Requantize(acc.Slice(r * n, n), default, scales, yZero, ySigned, y.Slice(r * n, n));
        }
    }
}

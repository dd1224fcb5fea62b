using System.Runtime.InteropServices;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// com.microsoft MatMulIntegerToFloat: Y = float((A − a_zp)(B − b_zp)) · (a_scale · b_scale[n]) + bias[n],
/// as ONNX Runtime computes it (int32 GEMM, then MLAS's scale-bias output processor). b's scale and
/// zero point per tensor or per column.
/// </summary>
public sealed class MatMulIntegerToFloatOperator : Operator
{
    public override string OpType => "MatMulIntegerToFloat";

    public override string Domain => "com.microsoft";

    public override string TypeConstraints => "uint8, int8 → float";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(4, 7);
        var aType = context.RequireType(0, DataType.UInt8, DataType.Int8);
        var bType = context.RequireType(1, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireFloat(context, 2, "a_scale");
        QuantizedValues.RequireFloat(context, 3, "b_scale");
        QuantizedValues.RequireZeroPointType(context, 4, aType, "a_zero_point");
        QuantizedValues.RequireZeroPointType(context, 5, bType, "b_zero_point");
        var layout = MatMulLayout.Create(context, 0, 1, pack: false);
        QuantizedValues.RequireScalar(context, 2, "a_scale");
        QuantizedValues.RequireScalar(context, 4, "a_zero_point");
        QuantizedValues.RequireScalarOrVector(context, 3, layout.N, "b_scale");
        QuantizedValues.RequireScalarOrVector(context, 5, layout.N, "b_zero_point");
        RequireBias(context, 6, layout.N);
        context.SetOutput(0, DataType.Float32, layout.Output);
    }

    public override Kernel CreateKernel(NodeContext context) =>
        new FloatOutputMatMulKernel(MatMulLayout.Create(context, 0, 1, pack: true), context.InputType(0) == DataType.Int8,
            context.InputType(1) == DataType.Int8, bIndex: 1, bScaleIndex: 3, bZeroIndex: 5, biasIndex: 6, aScaleIndex: 2, aZeroIndex: 4);

    public override long CountOperations(NodeContext context) =>
        2L * context.OutputShape(0).ElementCount * context.InputShape(1)[0];

    internal static void RequireBias(NodeContext context, int index, int n)
    {
        if (!context.HasInput(index))
            return;
        QuantizedValues.RequireFloat(context, index, "bias");
        var shape = context.InputShape(index);
        if (shape.Rank != 1 || shape[0] != n)
            throw context.Fail($"input {index} (bias) has shape {shape}; expected [{n}]");
    }

    /// <summary>
    /// Shared by MatMulIntegerToFloat and DynamicQuantizeMatMul. aScaleIndex &lt; 0 means A
    /// is float and quantized here to uint8 with DynamicQuantizeLinear's parameters.
    /// </summary>
    internal sealed class FloatOutputMatMulKernel(MatMulLayout layout, bool aSigned, bool bSigned, int bIndex, int bScaleIndex, int bZeroIndex, int biasIndex, int aScaleIndex, int aZeroIndex) : Kernel
    {
        private readonly int _accumulators = layout.Batches * layout.M * layout.N;
        private readonly int _quantizedA = aScaleIndex < 0 ? (layout.AMatrix.Max() + 1) * layout.M * layout.K : 0;

        public override int WorkspaceBytes => (_accumulators + 2 * layout.N) * sizeof(int) + _quantizedA;

        public override void Execute(KernelContext context)
        {
            int n = layout.N;
            var ints = MemoryMarshal.Cast<byte, int>(context.Workspace.AsSpan(0, (_accumulators + 2 * n) * sizeof(int)));
            var acc = ints[.._accumulators];
            var bZero = ints.Slice(_accumulators, n);
            var scales = MemoryMarshal.Cast<int, float>(ints.Slice(_accumulators + n, n));

            ReadOnlySpan<byte> a;
            float aScale;
            int aZero;
            if (aScaleIndex < 0)
            {
                var x = context.Input(0).AsSpan<float>();
                byte zero;
                (aScale, zero) = DynamicQuantizeLinearOperator.Parameters(x);
                aZero = zero;
                var quantized = context.Workspace.AsSpan((_accumulators + 2 * n) * sizeof(int), x.Length);
                Requantizer.Quantize(x, aScale, aZero, signed: false, quantized);
                a = quantized;
            }
            else
            {
                a = context.Input(0).Bytes;
                aScale = QuantizedValues.Scale(context.Input(aScaleIndex));
                aZero = QuantizedValues.ZeroPoint(context.OptionalInput(aZeroIndex));
            }

            var bScale = context.Input(bScaleIndex).AsSpan<float>();
            var bZeroInput = context.OptionalInput(bZeroIndex);
            if (bZeroInput is not { ElementCount: > 1 })
                bZero = bZero[..1];
            QuantizedValues.ZeroPoints(bZeroInput, bZero);
            if (bScale.Length == 1)
                scales = scales[..1];
            for (int i = 0; i < scales.Length; i++)
                scales[i] = aScale * bScale[i];

            layout.Multiply(a, aSigned, aZero, context.Input(bIndex).Bytes, bSigned, bZero, acc, context.Parallel);

            var bias = context.OptionalInput(biasIndex) is { } b ? (ReadOnlySpan<float>)b.AsSpan<float>() : default;
            var y = context.Output(0).AsSpan<float>();
            int rows = _accumulators / Math.Max(n, 1);
            for (int r = 0; r < rows; r++)
                ScaleBiasOutput.Apply(acc.Slice(r * n, n), scales, bias, y.Slice(r * n, n));
        }
    }
}

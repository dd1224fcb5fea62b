using System.Runtime.InteropServices;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// com.microsoft QGemm: int32 acc = C + (A − a_zp)(B − b_zp) (transA/transB), then as ONNX Runtime:
/// with y_zero_point, requantized by (alpha · a_scale · b_scale[n]) / y_scale; without, float output
/// float(acc) · (alpha · a_scale · b_scale[n]). b's scale and zero point per tensor or per column.
/// </summary>
public sealed class QGemmOperator : Operator
{
    public override string OpType => "QGemm";

    public override string Domain => "com.microsoft";

    public override string TypeConstraints => "uint8, int8 (C int32) → uint8, int8, float";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(6, 9);
        var aType = context.RequireType(0, DataType.UInt8, DataType.Int8);
        var bType = context.RequireType(3, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireFloat(context, 1, "a_scale");
        QuantizedValues.RequireFloat(context, 4, "b_scale");
        QuantizedValues.RequireZeroPointType(context, 2, aType, "a_zero_point");
        QuantizedValues.RequireZeroPointType(context, 5, bType, "b_zero_point");
        var (m, k, n) = Dimensions(context);
        QuantizedValues.RequireScalar(context, 1, "a_scale");
        QuantizedValues.RequireScalar(context, 2, "a_zero_point");
        QuantizedValues.RequireScalarOrVector(context, 4, n, "b_scale");
        QuantizedValues.RequireScalarOrVector(context, 5, n, "b_zero_point");
        if (context.Attributes.GetFloat("beta", 1f) != 1f)
            throw context.Fail("beta other than 1 is not supported (ONNX Runtime adds C unscaled)");
        if (context.HasInput(6))
        {
            context.RequireType(6, DataType.Int32);
            BiasLayout(context, m, n);
        }
        if (context.HasInput(7) != context.HasInput(8))
            throw context.Fail("y_scale and y_zero_point must be given together (both for a quantized output, neither for float)");
        if (context.HasInput(7))
        {
            QuantizedValues.RequireFloat(context, 7, "y_scale");
            QuantizedValues.RequireScalar(context, 7, "y_scale");
            QuantizedValues.RequireZeroPointType(context, 8, aType, "y_zero_point");
            QuantizedValues.RequireScalar(context, 8, "y_zero_point");
        }
        context.SetOutput(0, context.HasInput(8) ? context.InputType(8) : DataType.Float32, new TensorShape(m, n));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (m, k, n) = Dimensions(context);
        bool transB = context.Attributes.GetInt("transB", 0) != 0;
        bool bSigned = context.InputType(3) == DataType.Int8;
        var packed = context.InputValue(3) is { } b ? PackedInt8Matrix.Pack(b.Bytes, bSigned, k, n, transposed: transB) : null;
        return new QGemmKernel(m, k, n, context.Attributes.GetInt("transA", 0) != 0, transB, packed,
            context.InputType(0) == DataType.Int8, bSigned, context.HasInput(6) ? BiasLayout(context, m, n) : (0, 0),
            context.Attributes.GetFloat("alpha", 1f), context.HasInput(8) ? context.InputType(8) : DataType.Float32);
    }

    public override long CountOperations(NodeContext context)
    {
        var (m, k, n) = Dimensions(context);
        return 2L * m * k * n;
    }

    private static (int M, int K, int N) Dimensions(NodeContext context)
    {
        var a = context.InputShape(0);
        var b = context.InputShape(3);
        if (a.Rank != 2 || b.Rank != 2)
            throw context.Fail($"A {a} and B {b} must both be 2-D");
        bool transA = context.Attributes.GetInt("transA", 0) != 0, transB = context.Attributes.GetInt("transB", 0) != 0;
        int m = transA ? a[1] : a[0], k = transA ? a[0] : a[1];
        int kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
        if (k != kb)
            throw context.Fail($"inner dimensions differ: A {a}{(transA ? " transposed" : "")}, B {b}{(transB ? " transposed" : "")}");
        return (m, k, n);
    }

    /// <summary>C's strides over the M×N output (0 where broadcast); C must broadcast unidirectionally to [M, N].</summary>
    private static (int RowStride, int ColumnStride) BiasLayout(NodeContext context, int m, int n)
    {
        var c = context.InputShape(6);
        int rows = c.Rank == 2 ? c[0] : 1, cols = c.Rank >= 1 ? c[c.Rank - 1] : 1;
        if (c.Rank > 2 || rows != 1 && rows != m || cols != 1 && cols != n)
            throw context.Fail($"C has shape {c}; it must broadcast to [{m},{n}]");
        return (rows == 1 ? 0 : cols, cols == 1 ? 0 : 1);
    }

    private sealed class QGemmKernel(int m, int k, int n, bool transA, bool transB, PackedInt8Matrix? packed, bool aSigned, bool bSigned,
        (int Row, int Column) biasStrides, float alpha, DataType outputType) : Kernel
    {
        private readonly int _accumulatorBytes = m * n * sizeof(int);

        public override int WorkspaceBytes => _accumulatorBytes + 2 * n * sizeof(int) + (transA ? m * k : 0);

        public override void Execute(KernelContext context)
        {
            var ints = MemoryMarshal.Cast<byte, int>(context.Workspace.AsSpan(0, _accumulatorBytes + 2 * n * sizeof(int)));
            var acc = ints[..(m * n)];
            var bZero = ints.Slice(m * n, n);
            var scales = MemoryMarshal.Cast<int, float>(ints.Slice(m * n + n, n));

            ReadOnlySpan<byte> a = context.Input(0).Bytes;
            if (transA)
            {
                var transposed = context.Workspace.AsSpan(_accumulatorBytes + 2 * n * sizeof(int), m * k);
                for (int kk = 0; kk < k; kk++)
                    for (int row = 0; row < m; row++)
                        transposed[row * k + kk] = a[kk * m + row];
                a = transposed;
            }
            var bZeroInput = context.OptionalInput(5);
            if (bZeroInput is not { ElementCount: > 1 })
                bZero = bZero[..1];
            QuantizedValues.ZeroPoints(bZeroInput, bZero);
            Int8MatMul.Multiply(a, aSigned, m, k, k, QuantizedValues.ZeroPoint(context.OptionalInput(2)), packed,
                packed is null ? context.Input(3).Bytes : default, bSigned, transB, n, bZero, acc, n, context.Parallel);

            if (context.OptionalInput(6) is { } c)
            {
                var bias = c.AsSpan<int>();
                for (int row = 0; row < m; row++)
                    for (int col = 0; col < n; col++)
                        acc[row * n + col] += bias[row * biasStrides.Row + col * biasStrides.Column];
            }

            // ONNX Runtime's order: (alpha · a_scale · b_scale[n]), then / y_scale.
            var bScale = context.Input(4).AsSpan<float>();
            float aScale = QuantizedValues.Scale(context.Input(1));
            if (bScale.Length == 1)
                scales = scales[..1];
            bool quantized = outputType != DataType.Float32;
            float yScale = quantized ? QuantizedValues.Scale(context.Input(7)) : 1f;
            for (int i = 0; i < scales.Length; i++)
            {
                scales[i] = alpha * aScale * bScale[i];
                if (quantized)
                    scales[i] /= yScale;
            }

            if (quantized)
            {
                int yZero = QuantizedValues.ZeroPoint(context.Input(8));
                var y = context.Output(0).Bytes;
                for (int row = 0; row < m; row++)
                    Requantizer.Requantize(acc.Slice(row * n, n), default, scales, yZero, outputType == DataType.Int8, y.Slice(row * n, n));
            }
            else
            {
                var y = context.Output(0).AsSpan<float>();
                for (int row = 0; row < m; row++)
                    ScaleBiasOutput.Apply(acc.Slice(row * n, n), scales, default, y.Slice(row * n, n));
            }
        }
    }
}

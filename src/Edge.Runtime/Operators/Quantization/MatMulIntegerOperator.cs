using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>MatMulInteger: int32 Y = (A − a_zero_point)(B − b_zero_point) with MatMul broadcasting; B's zero point per tensor or per column.</summary>
public sealed class MatMulIntegerOperator : Operator
{
    public override string OpType => "MatMulInteger";

    public override string TypeConstraints => "uint8, int8 → int32";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 4);
        var aType = context.RequireType(0, DataType.UInt8, DataType.Int8);
        var bType = context.RequireType(1, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireZeroPointType(context, 2, aType, "a_zero_point");
        QuantizedValues.RequireZeroPointType(context, 3, bType, "b_zero_point");
        var layout = MatMulLayout.Create(context, 0, 1, pack: false);
        QuantizedValues.RequireScalar(context, 2, "a_zero_point (per-row zero points are not supported)");
        QuantizedValues.RequireScalarOrVector(context, 3, layout.N, "b_zero_point");
        context.SetOutput(0, DataType.Int32, layout.Output);
    }

    public override Kernel CreateKernel(NodeContext context) =>
        new MatMulIntegerKernel(MatMulLayout.Create(context, 0, 1, pack: true), context.InputType(0) == DataType.Int8, context.InputType(1) == DataType.Int8);

    public override long CountOperations(NodeContext context) =>
        2L * context.OutputShape(0).ElementCount * context.InputShape(0)[context.InputShape(0).Rank - 1];

    private sealed class MatMulIntegerKernel(MatMulLayout layout, bool aSigned, bool bSigned) : Kernel
    {
        public override int WorkspaceBytes => layout.N * sizeof(int);

        public override void Execute(KernelContext context)
        {
            var bZero = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(context.Workspace.AsSpan(0, layout.N * sizeof(int)));
            var bZeroInput = context.OptionalInput(3);
            if (bZeroInput is not { ElementCount: > 1 })
                bZero = bZero[..1];
            QuantizedValues.ZeroPoints(bZeroInput, bZero);
            layout.Multiply(context.Input(0).Bytes, aSigned, QuantizedValues.ZeroPoint(context.OptionalInput(2)),
                context.Input(1).Bytes, bSigned, bZero, context.Output(0).AsSpan<int>(), context.Parallel);
        }
    }
}

using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>QLinearMatMul with constant B and constant quantization parameters: device GEMM + requantization by a_scale · b_scale[n] / y_scale.</summary>
internal sealed class QLinearMatMulDevice : DeviceOperator
{
    public override string OpType => "QLinearMatMul";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        MatMulShapes.ConstantMatrixB(context, 0, 3) && DeviceParameters.AbsentOrConstant(context, 1, 2, 4, 5, 6, 7);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var (m, k, n) = MatMulShapes.Dimensions(context, 0, 3);
        var gemm = new DeviceInt8Gemm(builder, context.InputValue(3)!.Bytes, DeviceParameters.IsInt8(context, 3), k, n, transposed: false, DeviceParameters.ZeroPoints(context, 5, n));
        float aScale = DeviceParameters.Floats(context, 1)[0], yScale = DeviceParameters.Floats(context, 6)[0];
        var bScales = DeviceParameters.Floats(context, 4);
        // The CPU's order: (a_scale · b_scale) / y_scale, in float.
        var multipliers = bScales.Select(b => aScale * b / yScale).ToArray();
        var acc = builder.Scratch<int>(m * n);
        gemm.Launch(builder, builder.Input(context, 0), builder.Input(context, 2), DeviceParameters.IsInt8(context, 0), m, acc);
        Requantize(builder, acc, m, n, builder.Scratch<int>(1), hasBias: false, multipliers, DeviceParameters.ZeroPoints(context, 7, 1)[0],
            context.OutputType(0) == DataType.Int8, builder.Output(context, 0));
    }

    /// <summary>Appends the row-major requantization of M×N accumulators.</summary>
    internal static void Requantize(PartitionBuilder builder, ILGPU.ArrayView<int> acc, int m, int n, ILGPU.ArrayView<int> bias, bool hasBias, float[] multipliers, int zeroPoint, bool signed, ILGPU.ArrayView<byte> y)
    {
        var shape = new EpilogueKernels.RequantizeShape
        {
            Columns = Math.Max(n, 1), Offset = 0, RowStride = n, ColumnStride = 1, HasBias = DeviceParameters.Flag(hasBias),
            PerColumn = DeviceParameters.Flag(multipliers.Length > 1), ZeroPoint = zeroPoint, Signed = DeviceParameters.Flag(signed),
        };
        var scales = builder.Upload<float>(multipliers);
        var kernel = DeviceLaunchers.Requantize(builder.Backend);
        var stream = builder.Stream;
        if (m * n > 0)
            builder.Launch("requantize", () => kernel(stream, m * n, acc, bias, scales, y, shape));
    }
}

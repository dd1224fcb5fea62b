using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>
/// com.microsoft MatMulIntegerToFloat with constant B: the device GEMM, then float(acc) · (a_scale · b_scale[n]) + bias[n].
/// A's scale and zero point may come from a DynamicQuantizeLinear on the device.
/// </summary>
internal sealed class MatMulIntegerToFloatDevice : DeviceOperator
{
    public override string OpType => "MatMulIntegerToFloat";

    public override string Domain => "com.microsoft";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        MatMulShapes.ConstantMatrixB(context, 0, 1) && DeviceParameters.AbsentOrConstant(context, 3, 5, 6);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var (m, k, n) = MatMulShapes.Dimensions(context, 0, 1);
        var gemm = new DeviceInt8Gemm(builder, context.InputValue(1)!.Bytes, DeviceParameters.IsInt8(context, 1), k, n, transposed: false, DeviceParameters.ZeroPoints(context, 5, n));
        var bScales = DeviceParameters.Floats(context, 3);
        var shape = new EpilogueKernels.ScaleShape { Columns = Math.Max(n, 1), HasIntBias = 0, HasBias = DeviceParameters.Flag(context.HasInput(6)), PerColumn = DeviceParameters.Flag(bScales.Length > 1) };
        var multipliers = builder.Upload<float>(bScales);
        var aScale = builder.Input<float>(context, 2);
        var aZero = context.HasInput(4) ? builder.Input(context, 4) : builder.Upload<byte>([0]);
        var bias = context.HasInput(6) ? builder.Input<float>(context, 6) : builder.Scratch<float>(1);
        var acc = builder.Scratch<int>(m * n);
        var noIntBias = builder.Scratch<int>(1);
        var y = builder.Output<float>(context, 0);
        gemm.Launch(builder, builder.Input(context, 0), aZero, DeviceParameters.IsInt8(context, 0), m, acc);
        var scale = DeviceLaunchers.Scale(builder.Backend);
        var stream = builder.Stream;
        if (m * n > 0)
            builder.Launch("scale + bias", () => scale(stream, m * n, acc, noIntBias, aScale, multipliers, bias, y, shape));
    }
}

using Edge.Runtime.Operators;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>MatMulInteger with constant B: the device GEMM writes the int32 result directly.</summary>
internal sealed class MatMulIntegerDevice : DeviceOperator
{
    public override string OpType => "MatMulInteger";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        MatMulShapes.ConstantMatrixB(context, 0, 1) && DeviceParameters.AbsentOrConstant(context, 3);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var (m, k, n) = MatMulShapes.Dimensions(context, 0, 1);
        var gemm = new DeviceInt8Gemm(builder, context.InputValue(1)!.Bytes, DeviceParameters.IsInt8(context, 1), k, n, transposed: false, DeviceParameters.ZeroPoints(context, 3, n));
        var aZero = context.HasInput(2) ? builder.Input(context, 2) : builder.Upload<byte>([0]);
        gemm.Launch(builder, builder.Input(context, 0), aZero, DeviceParameters.IsInt8(context, 0), m, builder.Output<int>(context, 0));
    }
}

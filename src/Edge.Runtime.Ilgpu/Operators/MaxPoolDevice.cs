using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.NN;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>MaxPool on uint8/int8 (the fused DQ→MaxPool→Q of int8 CNNs); float pooling stays on the CPU.</summary>
internal sealed class MaxPoolDevice : DeviceOperator
{
    public override string OpType => "MaxPool";

    public override string Types => "uint8, int8";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        context.InputType(0) is DataType.UInt8 or DataType.Int8 && !context.HasOutput(1);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var x = context.InputShape(0);
        var kernel = SpatialWindow.KernelShape(context, Math.Max(1, x.Rank - 2)) ?? throw context.Fail("required attribute 'kernel_shape' is missing");
        var w = SpatialWindow.Resolve(context, x, kernel, context.Attributes.GetInt("ceil_mode", 0) != 0);
        var shape = new PoolKernels.PoolShape
        {
            InD = w.Input[0], InH = w.Input[1], InW = w.Input[2],
            OutD = w.Output[0], OutH = w.Output[1], OutW = w.Output[2],
            KD = w.Kernel[0], KH = w.Kernel[1], KW = w.Kernel[2],
            SD = w.Strides[0], SH = w.Strides[1], SW = w.Strides[2],
            DD = w.Dilations[0], DH = w.Dilations[1], DW = w.Dilations[2],
            PD = w.PadsBegin[0], PH = w.PadsBegin[1], PW = w.PadsBegin[2],
            Signed = DeviceParameters.Flag(context.InputType(0) == DataType.Int8),
        };
        var input = builder.Input(context, 0);
        var y = builder.Output(context, 0);
        var pool = builder.Backend.Kernel<Action<Index1D, ArrayView<byte>, ArrayView<byte>, PoolKernels.PoolShape>,
            Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<byte>, PoolKernels.PoolShape>>(
            PoolKernels.MaxPoolBytes, (a, k) => a.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        int n = context.OutputShape(0).ElementCount;
        if (n > 0)
            builder.Launch("max pool", () => pool(stream, n, input, y, shape));
    }
}

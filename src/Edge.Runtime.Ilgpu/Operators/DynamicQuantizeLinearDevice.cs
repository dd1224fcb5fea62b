using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>DynamicQuantizeLinear: a one-group min/max reduction computes scale and zero point on the device, then the quantize kernel reads them there.</summary>
internal sealed class DynamicQuantizeLinearDevice : DeviceOperator
{
    public override string OpType => "DynamicQuantizeLinear";

    public override bool Supports(NodeContext context, IlgpuBackend backend) => backend.GroupSize <= QuantizeKernels.MaxReductionGroup;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        int n = context.InputShape(0).ElementCount;
        var x = builder.Input<float>(context, 0);
        var y = builder.Output(context, 0);
        var scale = context.HasOutput(1) ? builder.Output<float>(context, 1) : builder.Scratch<float>(1);
        var zeroPointByte = context.HasOutput(2) ? builder.Output(context, 2) : builder.Scratch<byte>(1);
        var zeroPoint = builder.Scratch<int>(1);
        var reduce = builder.Backend.Kernel<Action<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<byte>, int>,
            Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<byte>, int>>(
            QuantizeKernels.DynamicParameters, (a, k) => a.LoadKernel(k));
        var quantize = QuantizeLinearDevice.Load(builder.Backend);
        var stream = builder.Stream;
        var config = new KernelConfig(1, builder.Backend.GroupSize);
        var layout = new QuantizeKernels.ChannelLayout { Inner = Math.Max(n, 1), Channels = 1, Signed = 0 };
        builder.Launch("min/max", () => reduce(stream, config, x, scale, zeroPoint, zeroPointByte, n));
        if (n > 0)
            builder.Launch("quantize", () => quantize(stream, n, x, scale, zeroPoint, y, layout));
    }
}

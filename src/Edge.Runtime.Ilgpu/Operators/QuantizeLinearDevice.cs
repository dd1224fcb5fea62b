using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Quantization;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>QuantizeLinear with constant scale and zero point (per tensor or per axis).</summary>
internal sealed class QuantizeLinearDevice : DeviceOperator
{
    public override string OpType => "QuantizeLinear";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        DeviceParameters.AbsentOrConstant(context, 1, 2) && context.OutputType(0) is DataType.UInt8 or DataType.Int8;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var (_, channels, inner) = QuantizeLinearOperator.Geometry(context, context.InputShape(0));
        var layout = new QuantizeKernels.ChannelLayout { Inner = Math.Max(inner, 1), Channels = channels, Signed = DeviceParameters.Flag(context.OutputType(0) == DataType.Int8) };
        var scales = builder.Upload<float>(DeviceParameters.Floats(context, 1));
        var zeros = builder.Upload<int>(DeviceParameters.ZeroPoints(context, 2, channels));
        var x = builder.Input<float>(context, 0);
        var y = builder.Output(context, 0);
        var kernel = Load(builder.Backend);
        var stream = builder.Stream;
        int n = context.InputShape(0).ElementCount;
        if (n > 0)
            builder.Launch("quantize", () => kernel(stream, n, x, scales, zeros, y, layout));
    }

    internal static Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<byte>, QuantizeKernels.ChannelLayout> Load(IlgpuBackend backend) =>
        backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<byte>, QuantizeKernels.ChannelLayout>,
            Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<byte>, QuantizeKernels.ChannelLayout>>(
            QuantizeKernels.Quantize, (a, k) => a.LoadAutoGroupedKernel(k));
}

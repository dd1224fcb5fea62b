using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Quantization;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>DequantizeLinear of uint8, int8 or int32 with constant scale and zero point (per tensor or per axis).</summary>
internal sealed class DequantizeLinearDevice : DeviceOperator
{
    public override string OpType => "DequantizeLinear";

    public override bool Supports(NodeContext context, IlgpuBackend backend) => DeviceParameters.AbsentOrConstant(context, 1, 2);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var (_, channels, inner) = QuantizeLinearOperator.Geometry(context, context.InputShape(0));
        var type = context.InputType(0);
        var layout = new QuantizeKernels.ChannelLayout { Inner = Math.Max(inner, 1), Channels = channels, Signed = DeviceParameters.Flag(type == DataType.Int8) };
        var scales = builder.Upload<float>(DeviceParameters.Floats(context, 1));
        var zeros = builder.Upload<int>(DeviceParameters.ZeroPoints(context, 2, channels));
        var y = builder.Output<float>(context, 0);
        var stream = builder.Stream;
        int n = context.InputShape(0).ElementCount;
        if (n == 0)
            return;
        if (type == DataType.Int32)
        {
            var x = builder.Input<int>(context, 0);
            var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<float>, QuantizeKernels.ChannelLayout>,
                Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<float>, QuantizeKernels.ChannelLayout>>(
                QuantizeKernels.DequantizeInt32, (a, k) => a.LoadAutoGroupedKernel(k));
            builder.Launch("dequantize int32", () => kernel(stream, n, x, scales, zeros, y, layout));
        }
        else
        {
            var x = builder.Input(context, 0);
            var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<byte>, ArrayView<float>, ArrayView<int>, ArrayView<float>, QuantizeKernels.ChannelLayout>,
                Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<float>, ArrayView<int>, ArrayView<float>, QuantizeKernels.ChannelLayout>>(
                QuantizeKernels.Dequantize, (a, k) => a.LoadAutoGroupedKernel(k));
            builder.Launch("dequantize", () => kernel(stream, n, x, scales, zeros, y, layout));
        }
    }
}

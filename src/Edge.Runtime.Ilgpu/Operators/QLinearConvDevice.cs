using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Quantization;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>
/// QLinearConv (1-D/2-D, any groups) with constant weights, bias and quantization parameters: per image
/// and group, im2col on the device, the int8 GEMM against the group's packed weights, and requantization
/// by x_scale · w_scale[oc] / y_scale into NCHW.
/// </summary>
internal sealed class QLinearConvDevice : DeviceOperator
{
    public override string OpType => "QLinearConv";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        DeviceParameters.IsRunTime(context, 0) && context.InputValue(3) is not null && DeviceParameters.AbsentOrConstant(context, 1, 2, 4, 5, 6, 7, 8);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var g = ConvGeometry.Create(context, context.InputShape(0), context.InputShape(3));
        int outPerGroup = g.OutChannelsPerGroup, k = g.PatchSize, pixels = g.OutPixels, plane = g.OutPixels;
        bool wSigned = DeviceParameters.IsInt8(context, 3);
        var weights = context.InputValue(3)!.Bytes;
        var wZero = DeviceParameters.ZeroPoints(context, 5, g.OutChannels);
        float xScale = DeviceParameters.Floats(context, 1)[0], yScale = DeviceParameters.Floats(context, 6)[0];
        var wScales = DeviceParameters.Floats(context, 4);
        var multipliers = Enumerable.Range(0, g.OutChannels).Select(oc => xScale * wScales[wScales.Length == 1 ? 0 : oc] / yScale).ToArray();
        var bias = context.HasInput(8) ? context.InputValue(8)!.AsSpan<int>().ToArray() : null;
        int yZero = DeviceParameters.ZeroPoints(context, 7, 1)[0];
        bool xSigned = DeviceParameters.IsInt8(context, 0), ySigned = context.OutputType(0) == DataType.Int8;

        var x = builder.Input(context, 0);
        var xZero = builder.Input(context, 2);
        var y = builder.Output(context, 0);
        var patches = builder.Scratch<byte>(pixels * k);
        var acc = builder.Scratch<int>(pixels * outPerGroup);
        var im2col = builder.Backend.Kernel<Action<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ConvKernels.PatchShape>,
            Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ConvKernels.PatchShape>>(
            ConvKernels.Im2Col, (a, kernel) => a.LoadAutoGroupedKernel(kernel));
        var requantize = DeviceLaunchers.Requantize(builder.Backend);
        var stream = builder.Stream;
        for (int group = 0; group < g.Group; group++)
        {
            var groupWeights = weights.Slice(group * outPerGroup * k, outPerGroup * k);
            var gemm = new DeviceInt8Gemm(builder, groupWeights, wSigned, k, outPerGroup, transposed: true, wZero[(group * outPerGroup)..((group + 1) * outPerGroup)]);
            var groupScales = builder.Upload<float>(multipliers.AsSpan(group * outPerGroup, outPerGroup));
            var groupBias = bias is null ? builder.Scratch<int>(1) : builder.Upload<int>(bias.AsSpan(group * outPerGroup, outPerGroup));
            for (int image = 0; image < g.Batch; image++)
            {
                var patch = new ConvKernels.PatchShape
                {
                    InputOffset = (image * g.Channels + group * g.ChannelsPerGroup) * g.Height * g.Width,
                    Channels = g.ChannelsPerGroup, Height = g.Height, Width = g.Width, KernelH = g.KernelH, KernelW = g.KernelW,
                    StrideH = g.StrideH, StrideW = g.StrideW, DilationH = g.DilationH, DilationW = g.DilationW,
                    PadTop = g.PadTop, PadLeft = g.PadLeft, OutW = g.OutW, PatchSize = k,
                };
                var epilogue = new EpilogueKernels.RequantizeShape
                {
                    Columns = Math.Max(outPerGroup, 1), Offset = (image * g.OutChannels + group * outPerGroup) * plane, RowStride = 1, ColumnStride = plane,
                    HasBias = DeviceParameters.Flag(bias is not null), PerColumn = 1, ZeroPoint = yZero, Signed = DeviceParameters.Flag(ySigned),
                };
                if (pixels * k == 0 || outPerGroup == 0)
                    continue;
                builder.Launch("im2col", () => im2col(stream, pixels * k, x, xZero, patches, patch));
                gemm.Launch(builder, patches, xZero, xSigned, pixels, acc);
                builder.Launch("requantize", () => requantize(stream, pixels * outPerGroup, acc, groupBias, groupScales, y, epilogue));
            }
        }
    }
}

using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Quantization;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>ConvInteger with constant weights and zero points: im2col + the int8 GEMM per image and group, int32 stored in NCHW.</summary>
internal sealed class ConvIntegerDevice : DeviceOperator
{
    public override string OpType => "ConvInteger";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        DeviceParameters.IsRunTime(context, 0) && context.InputValue(1) is not null && DeviceParameters.AbsentOrConstant(context, 2, 3);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var g = ConvGeometry.Create(context, context.InputShape(0), context.InputShape(1));
        int outPerGroup = g.OutChannelsPerGroup, k = g.PatchSize, pixels = g.OutPixels;
        bool wSigned = DeviceParameters.IsInt8(context, 1), xSigned = DeviceParameters.IsInt8(context, 0);
        var weights = context.InputValue(1)!.Bytes;
        var wZero = DeviceParameters.ZeroPoints(context, 3, g.OutChannels);
        var x = builder.Input(context, 0);
        var xZero = context.HasInput(2) ? builder.Input(context, 2) : builder.Upload<byte>([0]);
        var y = builder.Output<int>(context, 0);
        var patches = builder.Scratch<byte>(pixels * k);
        var acc = builder.Scratch<int>(pixels * outPerGroup);
        var im2col = builder.Backend.Kernel<Action<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ConvKernels.PatchShape>,
            Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ConvKernels.PatchShape>>(
            ConvKernels.Im2Col, (a, kernel) => a.LoadAutoGroupedKernel(kernel));
        var store = builder.Backend.Kernel<Action<Index1D, ArrayView<int>, ArrayView<int>, EpilogueKernels.RequantizeShape>,
            Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, EpilogueKernels.RequantizeShape>>(
            EpilogueKernels.StoreInt32, (a, kernel) => a.LoadAutoGroupedKernel(kernel));
        var stream = builder.Stream;
        for (int group = 0; group < g.Group; group++)
        {
            var gemm = new DeviceInt8Gemm(builder, weights.Slice(group * outPerGroup * k, outPerGroup * k), wSigned, k, outPerGroup, transposed: true,
                wZero[(group * outPerGroup)..((group + 1) * outPerGroup)]);
            for (int image = 0; image < g.Batch; image++)
            {
                var patch = new ConvKernels.PatchShape
                {
                    InputOffset = (image * g.Channels + group * g.ChannelsPerGroup) * g.Height * g.Width,
                    Channels = g.ChannelsPerGroup, Height = g.Height, Width = g.Width, KernelH = g.KernelH, KernelW = g.KernelW,
                    StrideH = g.StrideH, StrideW = g.StrideW, DilationH = g.DilationH, DilationW = g.DilationW,
                    PadTop = g.PadTop, PadLeft = g.PadLeft, OutW = g.OutW, PatchSize = k,
                };
                var layout = new EpilogueKernels.RequantizeShape
                {
                    Columns = Math.Max(outPerGroup, 1), Offset = (image * g.OutChannels + group * outPerGroup) * pixels, RowStride = 1, ColumnStride = pixels,
                };
                if (pixels * k == 0 || outPerGroup == 0)
                    continue;
                builder.Launch("im2col", () => im2col(stream, pixels * k, x, xZero, patches, patch));
                gemm.Launch(builder, patches, xZero, xSigned, pixels, acc);
                builder.Launch("store int32", () => store(stream, pixels * outPerGroup, acc, y, layout));
            }
        }
    }
}

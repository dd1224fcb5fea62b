using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>ConvInteger: int32 Y = Conv(x − x_zero_point, w − w_zero_point); groups, strides, dilations, pads and auto_pad; w's zero point per tensor or per output channel.</summary>
public sealed class ConvIntegerOperator : Operator
{
    public override string OpType => "ConvInteger";

    public override string TypeConstraints => "uint8, int8 → int32";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 4);
        var xType = context.RequireType(0, DataType.UInt8, DataType.Int8);
        var wType = context.RequireType(1, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireZeroPointType(context, 2, xType, "x_zero_point");
        QuantizedValues.RequireZeroPointType(context, 3, wType, "w_zero_point");
        var geometry = ConvGeometry.Create(context, context.InputShape(0), context.InputShape(1));
        QuantizedValues.RequireScalar(context, 2, "x_zero_point");
        QuantizedValues.RequireScalarOrVector(context, 3, geometry.OutChannels, "w_zero_point");
        context.SetOutput(0, DataType.Int32, geometry.OutputShape);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var geometry = ConvGeometry.Create(context, context.InputShape(0), context.InputShape(1));
        bool wSigned = context.InputType(1) == DataType.Int8;
        bool symmetric = !context.HasInput(3) || QuantizedValues.IsConstantZero(context.InputValue(3));
        return new ConvIntegerKernel(new Int8Convolution(geometry, context.InputValue(1), wSigned, symmetricWeights: symmetric),
            context.InputType(0) == DataType.Int8, wSigned);
    }

    public override long CountOperations(NodeContext context) =>
        2L * context.OutputShape(0).ElementCount * context.InputShape(1).ElementCount / Math.Max(context.InputShape(1)[0], 1);

    private sealed class ConvIntegerKernel(Int8Convolution convolution, bool xSigned, bool wSigned) : Kernel
    {
        private readonly int _convolutionBytes = (convolution.WorkspaceBytes + 63) & ~63;

        public override int WorkspaceBytes => _convolutionBytes + convolution.Geometry.OutChannels * sizeof(int);

        public override void Execute(KernelContext context)
        {
            var g = convolution.Geometry;
            var wZeroInput = context.OptionalInput(3);
            var wZero = MemoryMarshal.Cast<byte, int>(context.Workspace.AsSpan(_convolutionBytes, g.OutChannels * sizeof(int)));
            if (wZeroInput is not { ElementCount: > 1 })
                wZero = wZero[..1];
            QuantizedValues.ZeroPoints(wZeroInput, wZero);
            var sink = new Int32Sink(context.Output(0).AsSpan<int>(), g);
            convolution.Run(context.Input(0).Bytes, xSigned, QuantizedValues.ZeroPoint(context.OptionalInput(2)),
                context.Input(1).Bytes, wSigned, wZero, context.Workspace, context.Parallel, ref sink);
        }
    }

    private ref struct Int32Sink(Span<int> output, ConvGeometry geometry) : IConvolutionSink
    {
        private readonly Span<int> _output = output;

        public readonly void Store(int batch, int group, int firstPixel, int pixels, ReadOnlySpan<int> accumulators, Span<byte> scratch)
        {
            int n = geometry.OutChannelsPerGroup, plane = geometry.OutPixels;
            for (int oc = 0; oc < n; oc++)
            {
                var dst = _output.Slice((batch * geometry.OutChannels + group * n + oc) * plane + firstPixel, pixels);
                for (int p = 0; p < pixels; p++)
                    dst[p] = accumulators[p * n + oc];
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void StoreChannels(int batch, int group, int firstWide, int pixels, int rowWidth, ReadOnlySpan<int> accumulators, int stride, Span<byte> scratch)
        {
            int n = geometry.OutChannelsPerGroup, plane = geometry.OutPixels, outW = geometry.OutW;
            for (int oc = 0; oc < n; oc++)
            {
                var row = accumulators.Slice(oc * stride, pixels);
                var channel = _output.Slice((batch * geometry.OutChannels + group * n + oc) * plane, plane);
                if (rowWidth == outW)
                {
                    row.CopyTo(channel[firstWide..]);
                    continue;
                }
                for (int oy = firstWide / rowWidth; oy * rowWidth < firstWide + pixels; oy++)
                {
                    int begin = Math.Max(0, firstWide - oy * rowWidth), end = Math.Min(outW, firstWide + pixels - oy * rowWidth);
                    if (end > begin)
                        row.Slice(oy * rowWidth + begin - firstWide, end - begin).CopyTo(channel[(oy * outW + begin)..]);
                }
            }
        }
    
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void StoreChannelRange(int batch, int group, int firstChannel, int channels, int firstWide, int pixels, int rowWidth,
            ReadOnlySpan<int> accumulators, int stride, ReadOnlySpan<int> offsets, int images)
        {
            int n = geometry.OutChannelsPerGroup, plane = geometry.OutPixels, outW = geometry.OutW;
            for (int image = 0; image < images; image++)
                for (int i = 0; i < channels; i++)
                {
                    var row = accumulators.Slice(i * stride + image * pixels, pixels);
                    var channel = _output.Slice(((batch + image) * geometry.OutChannels + group * n + firstChannel + i) * plane, plane);
                    int offset = offsets[i];
                    for (int oy = firstWide / rowWidth; oy * rowWidth < firstWide + pixels; oy++)
                    {
                        int begin = Math.Max(0, firstWide - oy * rowWidth), end = Math.Min(outW, firstWide + pixels - oy * rowWidth);
                        var source = row.Slice(oy * rowWidth + begin - firstWide, Math.Max(0, end - begin));
                        var target = channel.Slice(oy * outW + begin, source.Length);
                        for (int j = 0; j < source.Length; j++)
                            target[j] = unchecked(source[j] + offset);
                    }
                }
        }
    }
}

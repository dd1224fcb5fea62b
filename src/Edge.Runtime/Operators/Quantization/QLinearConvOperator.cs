using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// QLinearConv: int32 accumulation of Conv(x − x_zp, w − w_zp) plus the int32 bias, requantized as
/// ONNX Runtime does: multiplier x_scale · w_scale[oc] / y_scale (left to right in float), float(acc) ·
/// multiplier, round half to even, + y_zero_point, saturate. Per-channel weight scales and zero points.
/// </summary>
public sealed class QLinearConvOperator : Operator
{
    public override string OpType => "QLinearConv";

    public override string TypeConstraints => "uint8, int8 (bias int32)";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(8, 9);
        var xType = context.RequireType(0, DataType.UInt8, DataType.Int8);
        var wType = context.RequireType(3, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireFloat(context, 1, "x_scale");
        QuantizedValues.RequireFloat(context, 4, "w_scale");
        QuantizedValues.RequireFloat(context, 6, "y_scale");
        QuantizedValues.RequireZeroPointType(context, 2, xType, "x_zero_point");
        QuantizedValues.RequireZeroPointType(context, 5, wType, "w_zero_point");
        QuantizedValues.RequireZeroPointType(context, 7, null, "y_zero_point");
        var geometry = ConvGeometry.Create(context, context.InputShape(0), context.InputShape(3));
        QuantizedValues.RequireScalar(context, 1, "x_scale");
        QuantizedValues.RequireScalar(context, 2, "x_zero_point");
        QuantizedValues.RequireScalarOrVector(context, 4, geometry.OutChannels, "w_scale");
        QuantizedValues.RequireScalarOrVector(context, 5, geometry.OutChannels, "w_zero_point");
        QuantizedValues.RequireScalar(context, 6, "y_scale");
        QuantizedValues.RequireScalar(context, 7, "y_zero_point");
        if (context.HasInput(8))
        {
            context.RequireType(8, DataType.Int32);
            var bias = context.InputShape(8);
            if (bias.Rank != 1 || bias[0] != geometry.OutChannels)
                throw context.Fail($"input 8 (B) has shape {bias}; expected [{geometry.OutChannels}]");
        }
        context.SetOutput(0, context.InputType(7), geometry.OutputShape);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var geometry = ConvGeometry.Create(context, context.InputShape(0), context.InputShape(3));
        bool wSigned = context.InputType(3) == DataType.Int8;
        bool symmetric = QuantizedValues.IsConstantZero(context.InputValue(5));
        return new QLinearConvKernel(new Int8Convolution(geometry, context.InputValue(3), wSigned, symmetricWeights: symmetric),
            context.InputType(0) == DataType.Int8, wSigned, context.InputType(7) == DataType.Int8);
    }

    public override long CountOperations(NodeContext context) =>
        2L * context.OutputShape(0).ElementCount * context.InputShape(3).ElementCount / Math.Max(context.InputShape(3)[0], 1);

    private sealed class QLinearConvKernel(Int8Convolution convolution, bool xSigned, bool wSigned, bool ySigned) : Kernel
    {
        private readonly int _convolutionBytes = (convolution.WorkspaceBytes + 63) & ~63;

        public override int WorkspaceBytes => _convolutionBytes + 2 * convolution.Geometry.OutChannels * sizeof(int);

        public override void Execute(KernelContext context)
        {
            var g = convolution.Geometry;
            int m = g.OutChannels;
            var extra = MemoryMarshal.Cast<byte, int>(context.Workspace.AsSpan(_convolutionBytes, 2 * m * sizeof(int)));
            var wZero = extra[..m];
            var scales = MemoryMarshal.Cast<int, float>(extra.Slice(m, m));
            var wZeroInput = context.OptionalInput(5);
            if (wZeroInput is not { ElementCount: > 1 })
                wZero = wZero[..1];
            QuantizedValues.ZeroPoints(wZeroInput, wZero);
            var wScale = context.Input(4).AsSpan<float>();
            float xScale = QuantizedValues.Scale(context.Input(1));
            float yScale = QuantizedValues.Scale(context.Input(6));
            if (wScale.Length == 1)
                scales = scales[..1];
            for (int i = 0; i < scales.Length; i++)
                scales[i] = xScale * wScale[i] / yScale;
            var bias = context.OptionalInput(8);
            var sink = new RequantizeSink(context.Output(0).Bytes, bias is null ? default : bias.AsSpan<int>(), scales, QuantizedValues.ZeroPoint(context.Input(7)), ySigned, g);
            convolution.Run(context.Input(0).Bytes, xSigned, QuantizedValues.ZeroPoint(context.Input(2)),
                context.Input(3).Bytes, wSigned, wZero, context.Workspace, context.Parallel, ref sink);
        }
    }

    private ref struct RequantizeSink(Span<byte> output, ReadOnlySpan<int> bias, ReadOnlySpan<float> scales, int zeroPoint, bool signed, ConvGeometry geometry) : IConvolutionSink
    {
        private readonly Span<byte> _output = output;
        private readonly ReadOnlySpan<int> _bias = bias;
        private readonly ReadOnlySpan<float> _scales = scales;

        public readonly void Store(int batch, int group, int firstPixel, int pixels, ReadOnlySpan<int> accumulators, Span<byte> scratch)
        {
            int n = geometry.OutChannelsPerGroup, plane = geometry.OutPixels;
            var groupBias = _bias.IsEmpty ? default : _bias.Slice(group * n, n);
            var groupScales = _scales.Length == 1 ? _scales : _scales.Slice(group * n, n);
            int channelBase = (batch * geometry.OutChannels + group * n) * plane + firstPixel;
            for (int p = 0; p < pixels; p++)
            {
                Requantizer.Requantize(accumulators.Slice(p * n, n), groupBias, groupScales, zeroPoint, signed, scratch);
                for (int oc = 0; oc < n; oc++)
                    _output[channelBase + oc * plane + p] = scratch[oc];
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void StoreChannels(int batch, int group, int firstWide, int pixels, int rowWidth, ReadOnlySpan<int> accumulators, int stride, Span<byte> scratch)
        {
            int n = geometry.OutChannelsPerGroup, plane = geometry.OutPixels, outW = geometry.OutW;
            for (int oc = 0; oc < n; oc++)
            {
                int channelIndex = group * n + oc;
                var channel = _output.Slice((batch * geometry.OutChannels + channelIndex) * plane, plane);
                // Whole wide rows at once keeps the vector loop long; the dropped columns are cut out by the copies.
                var bytes = rowWidth == outW ? channel.Slice(firstWide, pixels) : scratch[..pixels];
                Requantizer.RequantizeUniform(accumulators.Slice(oc * stride, pixels), _bias.IsEmpty ? 0 : _bias[channelIndex],
                    _scales.Length == 1 ? _scales[0] : _scales[channelIndex], zeroPoint, signed, bytes);
                if (rowWidth == outW)
                    continue;
                for (int oy = firstWide / rowWidth; oy * rowWidth < firstWide + pixels; oy++)
                {
                    int begin = Math.Max(0, firstWide - oy * rowWidth), end = Math.Min(outW, firstWide + pixels - oy * rowWidth);
                    if (end > begin)
                        bytes.Slice(oy * rowWidth + begin - firstWide, end - begin).CopyTo(channel[(oy * outW + begin)..]);
                }
            }
        }
    
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        [SkipLocalsInit]
        public readonly void StoreChannelRange(int batch, int group, int firstChannel, int channels, int firstWide, int pixels, int rowWidth,
            ReadOnlySpan<int> accumulators, int stride, ReadOnlySpan<int> offsets, int images)
        {
            int n = geometry.OutChannelsPerGroup, plane = geometry.OutPixels, outW = geometry.OutW, all = images * pixels;
            Span<byte> row = stackalloc byte[DirectInt8Convolution.MaxTilePixels];
            for (int i = 0; i < channels; i++)
            {
                int channelIndex = group * n + firstChannel + i;
                var channel = _output.Slice((batch * geometry.OutChannels + channelIndex) * plane, plane);
                var bytes = rowWidth == outW && images == 1 ? channel.Slice(firstWide, pixels) : row[..all];
                int bias = unchecked((_bias.IsEmpty ? 0 : _bias[channelIndex]) + offsets[i]);
                // One call over all the images' pixels: small images would otherwise pay the call for a few vectors each.
                Requantizer.RequantizeUniform(accumulators.Slice(i * stride, all), bias,
                    _scales.Length == 1 ? _scales[0] : _scales[channelIndex], zeroPoint, signed, bytes);
                if (images > 1)
                {
                    for (int image = 0; image < images; image++)
                        bytes.Slice(image * pixels, pixels).CopyTo(_output.Slice(((batch + image) * geometry.OutChannels + channelIndex) * plane, plane));
                }
                else if (rowWidth != outW)
                {
                    CropWideRows(bytes, firstWide, rowWidth, outW, channel);
                }
            }
        }

        /// <summary>Copies the kept columns of wide pixels [firstWide, + row.Length) to their output positions.</summary>
        private static void CropWideRows(ReadOnlySpan<byte> row, int firstWide, int rowWidth, int outW, Span<byte> channel)
        {
            int pixels = row.Length;
            for (int oy = firstWide / rowWidth; oy * rowWidth < firstWide + pixels; oy++)
            {
                int begin = Math.Max(0, firstWide - oy * rowWidth), end = Math.Min(outW, firstWide + pixels - oy * rowWidth);
                if (end > begin)
                    row.Slice(oy * rowWidth + begin - firstWide, end - begin).CopyTo(channel[(oy * outW + begin)..]);
            }
        }
    }
}

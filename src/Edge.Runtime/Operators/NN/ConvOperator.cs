using System.Numerics;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Conv (float, 1-D to 3-D, groups, dilations, strides, pads, auto_pad, bias, optional fused
/// Relu/Clip from the planner's <c>activation</c> attribute). Per group, Y^T[pixels×M] =
/// col^T[pixels×K] · W^T[K×M] on <see cref="FloatGemm"/> with W packed once when constant and C
/// written transposed into NCHW; 1x1 convolutions read X in place, depthwise ones run a direct kernel.
/// </summary>
public sealed class ConvOperator : Operator
{
    public override string OpType => "Conv";

    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context)
    {
        var shape = Resolve(context);
        context.SetOutput(0, DataType.Float32, shape.Output);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var shape = Resolve(context);
        var activation = FusedActivationAttribute.Read(context);
        var window = shape.Window;
        if (shape.Group == shape.Channels && shape.OutputChannels == shape.Channels)
            return new DepthwiseKernel(shape, activation);
        int k = shape.ChannelsPerGroup * window.KernelSize;
        int mg = shape.OutputChannels / shape.Group;
        PackedFloatMatrix[]? packed = null;
        if (context.InputValue(1) is { } weights)
        {
            var w = weights.AsSpan<float>();
            packed = new PackedFloatMatrix[shape.Group];
            for (int g = 0; g < shape.Group; g++)
                packed[g] = PackedFloatMatrix.Pack(w.Slice(g * mg * k, mg * k), k, mg, 1, k);
        }
        return new GemmKernel(shape, activation, packed);
    }

    public override long CountOperations(NodeContext context)
    {
        var shape = Resolve(context);
        return 2L * shape.Output.ElementCount * shape.ChannelsPerGroup * shape.Window.KernelSize;
    }

    private static ConvShape Resolve(NodeContext context)
    {
        context.RequireInputs(2, 3);
        context.RequireType(0, DataType.Float32);
        context.RequireType(1, DataType.Float32);
        var x = context.InputShape(0);
        var w = context.InputShape(1);
        if (x.Rank < 3 || x.Rank > 5)
            throw context.Fail($"input 0 'X' has shape {x}; expected (N, C, D1[, D2[, D3]])");
        if (w.Rank != x.Rank)
            throw context.Fail($"input 1 'W' has shape {w}; expected rank {x.Rank} like X {x}");
        long group = context.Attributes.GetInt("group", 1);
        int channels = x[1], outputChannels = w[0];
        if (group < 1 || channels % group != 0 || outputChannels % group != 0)
            throw context.Fail($"attribute 'group' is {group}; it must be positive and divide both the input channels ({channels}) and the output channels ({outputChannels})");
        int g = (int)group;
        if (w[1] != channels / g)
            throw context.Fail($"input 1 'W' has {w[1]} channels per group; X has {channels} channels in {g} groups, so {channels / g} are expected");
        var kernel = w.Dims[2..].ToArray();
        if (SpatialWindow.KernelShape(context, x.Rank - 2) is { } declared && !declared.AsSpan().SequenceEqual(kernel))
            throw context.Fail($"attribute 'kernel_shape' [{string.Join(",", declared)}] does not match W's spatial shape {w}");
        if (context.HasInput(2))
        {
            context.RequireType(2, DataType.Float32);
            var b = context.InputShape(2);
            if (b.Rank != 1 || b[0] != outputChannels)
                throw context.Fail($"input 2 'B' has shape {b}; expected [{outputChannels}]");
        }
        var window = SpatialWindow.Resolve(context, x, kernel, ceilMode: false);
        var output = new TensorShape([x[0], outputChannels, .. window.OutputDims]);
        return new ConvShape(window, x[0], channels, outputChannels, g, output);
    }

    private sealed record ConvShape(SpatialWindow Window, int Batch, int Channels, int OutputChannels, int Group, TensorShape Output)
    {
        public int ChannelsPerGroup => Channels / Group;
    }

    /// <summary>im2col (skipped for 1x1) + GEMM per image and group.</summary>
    private sealed class GemmKernel(ConvShape shape, FloatActivation activation, PackedFloatMatrix[]? packed) : Kernel
    {
        private readonly bool _pointwise = shape.Window.IsPointwise;
        private readonly int _k = shape.ChannelsPerGroup * shape.Window.KernelSize;

        public override int WorkspaceBytes => _pointwise ? 0 : checked(_k * shape.Window.OutputSize * sizeof(float));

        public override void Execute(KernelContext context)
        {
            var window = shape.Window;
            var x = context.Input(0).AsSpan<float>();
            var w = context.Input(1).AsSpan<float>();
            var bias = context.OptionalInput(2) is { } b ? b.AsSpan<float>() : default;
            var y = context.Output(0).AsSpan<float>();
            int cg = shape.ChannelsPerGroup, mg = shape.OutputChannels / shape.Group;
            int inPixels = window.InputSize, outPixels = window.OutputSize;
            var col = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(context.Workspace.AsSpan());
            for (int n = 0; n < shape.Batch; n++)
            {
                for (int g = 0; g < shape.Group; g++)
                {
                    var xg = x.Slice((n * shape.Channels + g * cg) * inPixels, cg * inPixels);
                    ReadOnlySpan<float> a = xg;
                    if (!_pointwise)
                    {
                        Im2Col(window, xg, cg, col);
                        a = col[..(_k * outPixels)];
                    }
                    var yg = y.Slice((n * shape.OutputChannels + g * mg) * outPixels, mg * outPixels);
                    var bg = bias.IsEmpty ? bias : bias.Slice(g * mg, mg);
                    // A[pixel, k] = a[k·P + pixel]; C[pixel, m] = yg[m·P + pixel]: NCHW without a transpose pass.
                    if (packed is not null)
                        FloatGemm.Multiply(a, outPixels, 1, outPixels, packed[g], yg, 1, outPixels, bg, false, activation, context.Parallel);
                    else
                        FloatGemm.Multiply(a, outPixels, _k, 1, outPixels, w.Slice(g * mg * _k, mg * _k), mg, 1, _k,
                            yg, 1, outPixels, bg, false, activation, context.Parallel);
                }
            }
        }

        /// <summary>col[(c, kd, kh, kw), output pixel] = X[c, input position] or 0 in the padding.</summary>
        private static void Im2Col(SpatialWindow window, ReadOnlySpan<float> x, int channels, Span<float> col)
        {
            int inD = window.Input[0], inH = window.Input[1], inW = window.Input[2];
            int outD = window.Output[0], outH = window.Output[1], outW = window.Output[2];
            int sd = window.Strides[0], sh = window.Strides[1], sw = window.Strides[2];
            int dd = window.Dilations[0], dh = window.Dilations[1], dw = window.Dilations[2];
            int pd = window.PadsBegin[0], ph = window.PadsBegin[1], pw = window.PadsBegin[2];
            int row = 0;
            for (int c = 0; c < channels; c++)
            {
                var plane = x.Slice(c * inD * inH * inW, inD * inH * inW);
                for (int kd = 0; kd < window.Kernel[0]; kd++)
                    for (int kh = 0; kh < window.Kernel[1]; kh++)
                        for (int kw = 0; kw < window.Kernel[2]; kw++, row++)
                        {
                            var dst = col.Slice(row * outD * outH * outW, outD * outH * outW);
                            int x0 = kw * dw - pw;
                            // Output columns whose input column is inside X: [owFirst, owLast).
                            int owFirst = x0 >= 0 ? 0 : Math.Min(outW, (-x0 + sw - 1) / sw);
                            int owLast = inW - 1 - x0 < 0 ? 0 : Math.Min(outW, (inW - 1 - x0) / sw + 1);
                            owLast = Math.Max(owFirst, owLast);
                            for (int od = 0; od < outD; od++)
                            {
                                int id = od * sd - pd + kd * dd;
                                for (int oh = 0; oh < outH; oh++)
                                {
                                    var line = dst.Slice((od * outH + oh) * outW, outW);
                                    int ih = oh * sh - ph + kh * dh;
                                    if ((uint)id >= (uint)inD || (uint)ih >= (uint)inH)
                                    {
                                        line.Clear();
                                        continue;
                                    }
                                    var src = plane.Slice((id * inH + ih) * inW, inW);
                                    line[..owFirst].Clear();
                                    if (sw == 1)
                                        src.Slice(owFirst + x0, owLast - owFirst).CopyTo(line[owFirst..owLast]);
                                    else
                                        for (int ow = owFirst; ow < owLast; ow++)
                                            line[ow] = src[ow * sw + x0];
                                    line[owLast..].Clear();
                                }
                            }
                        }
            }
        }
    }

    /// <summary>One filter per channel: direct multiply-accumulate rows, vectorised along W when the stride is 1.</summary>
    private sealed class DepthwiseKernel(ConvShape shape, FloatActivation activation) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var xTensor = context.Input(0);
            var wTensor = context.Input(1);
            var bTensor = context.OptionalInput(2);
            var yTensor = context.Output(0);
            int planes = shape.Batch * shape.Channels;
            long work = (long)planes * shape.Window.OutputSize * shape.Window.KernelSize;
            if (context.Parallel.Threads > 1 && work >= 1 << 18)
                context.Parallel.For(planes, 1, (start, end) => Run(xTensor, wTensor, bTensor, yTensor, start, end));
            else
                Run(xTensor, wTensor, bTensor, yTensor, 0, planes);
        }

        private void Run(Tensor xTensor, Tensor wTensor, Tensor? bTensor, Tensor yTensor, int start, int end)
        {
            var window = shape.Window;
            var x = xTensor.AsSpan<float>();
            var w = wTensor.AsSpan<float>();
            var bias = bTensor is null ? default : bTensor.AsSpan<float>();
            var y = yTensor.AsSpan<float>();
            int inPixels = window.InputSize, outPixels = window.OutputSize, taps = window.KernelSize;
            int inH = window.Input[1], inW = window.Input[2];
            int outD = window.Output[0], outH = window.Output[1], outW = window.Output[2];
            int sw = window.Strides[2], dw = window.Dilations[2], pw = window.PadsBegin[2];
            for (int plane = start; plane < end; plane++)
            {
                int channel = plane % shape.Channels;
                var src = x.Slice(plane * inPixels, inPixels);
                var dst = y.Slice(plane * outPixels, outPixels);
                var filter = w.Slice(channel * taps, taps);
                dst.Fill(bias.IsEmpty ? 0f : bias[channel]);
                for (int od = 0; od < outD; od++)
                {
                    var (kdFirst, kdLast) = window.ValidTaps(0, od);
                    for (int oh = 0; oh < outH; oh++)
                    {
                        var (khFirst, khLast) = window.ValidTaps(1, oh);
                        var line = dst.Slice((od * outH + oh) * outW, outW);
                        for (int kd = kdFirst; kd < kdLast; kd++)
                        {
                            int id = od * window.Strides[0] - window.PadsBegin[0] + kd * window.Dilations[0];
                            for (int kh = khFirst; kh < khLast; kh++)
                            {
                                int ih = oh * window.Strides[1] - window.PadsBegin[1] + kh * window.Dilations[1];
                                var row = src.Slice((id * inH + ih) * inW, inW);
                                for (int kw = 0; kw < window.Kernel[2]; kw++)
                                {
                                    float weight = filter[(kd * window.Kernel[1] + kh) * window.Kernel[2] + kw];
                                    int x0 = kw * dw - pw;
                                    int owFirst = x0 >= 0 ? 0 : Math.Min(outW, (-x0 + sw - 1) / sw);
                                    int owLast = inW - 1 - x0 < 0 ? 0 : Math.Min(outW, (inW - 1 - x0) / sw + 1);
                                    if (owLast <= owFirst)
                                        continue;
                                    if (sw == 1)
                                        MultiplyAdd(weight, row.Slice(owFirst + x0, owLast - owFirst), line[owFirst..owLast]);
                                    else
                                        for (int ow = owFirst; ow < owLast; ow++)
                                            line[ow] += weight * row[ow * sw + x0];
                                }
                            }
                        }
                    }
                }
                activation.Apply(dst);
            }
        }

        private static void MultiplyAdd(float weight, ReadOnlySpan<float> source, Span<float> destination)
        {
            int i = 0, width = Vector<float>.Count;
            if (Vector.IsHardwareAccelerated)
            {
                var wv = new Vector<float>(weight);
                for (; i <= source.Length - width; i += width)
                    Vector.FusedMultiplyAdd(wv, new Vector<float>(source[i..]), new Vector<float>(destination[i..])).CopyTo(destination[i..]);
            }
            for (; i < source.Length; i++)
                destination[i] += weight * source[i];
        }
    }
}

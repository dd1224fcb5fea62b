using System.Runtime.CompilerServices;
using System.Numerics;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Conv (float, 1-D to 3-D, groups, dilations, strides, pads, auto_pad, bias, optional fused
/// Relu/Clip from the planner's <c>activation</c> attribute). Per group, Y^T[pixels×M] =
/// col^T[pixels×K] · W^T[K×M] on <see cref="FloatGemm"/> with W packed once when constant and C
/// written transposed into NCHW; 1x1 convolutions read X in place, depthwise ones run a direct kernel,
/// and stride-1 "same width" ones with constant weights run <see cref="DirectFloatConvolution"/>.
/// </summary>
public sealed class ConvOperator : Operator
{
    private readonly bool _allowDirect;

    public ConvOperator()
        : this(allowDirect: true)
    {
    }

    /// <param name="allowDirect">False keeps every constant-weight convolution on <see cref="ConvGemm"/> (tests of that path).</param>
    internal ConvOperator(bool allowDirect) => _allowDirect = allowDirect;

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
            if (_allowDirect && DirectFloatConvolution.TryCreate(window, w, shape.Batch, shape.Channels, shape.OutputChannels, shape.Group) is { } direct)
                return new PackedWeightsKernel(activation, direct);
            if (ConvGemm.TryCreate(window, w, shape.Batch, shape.Channels, shape.OutputChannels, shape.Group) is { } gemm)
                return new PackedWeightsKernel(activation, gemm);
            packed = new PackedFloatMatrix[shape.Group];
            for (int g = 0; g < shape.Group; g++)
                packed[g] = PackedFloatMatrix.Pack(w.Slice(g * mg * k, mg * k), k, mg, 1, k);
        }
        return new GemmKernel(shape, activation, packed);
    }

    /// <summary>Whether <paramref name="kernel"/> (made by this operator) runs <see cref="DirectFloatConvolution"/>.</summary>
    internal static bool RunsDirect(Kernel kernel) => kernel is PackedWeightsKernel { Convolution: DirectFloatConvolution };

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

    /// <summary>Constant weights on a vector CPU: <see cref="DirectFloatConvolution"/> or <see cref="ConvGemm"/>, which read X themselves.</summary>
    private sealed class PackedWeightsKernel(FloatActivation activation, IPackedFloatConvolution gemm) : Kernel
    {
        public IPackedFloatConvolution Convolution => gemm;

        public override int WorkspaceBytes => gemm.WorkspaceBytes;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(KernelContext context)
        {
            var bias = context.OptionalInput(2) is { } b ? b.AsSpan<float>() : default;
            gemm.Run(context.Input(0).AsSpan<float>(), context.Output(0).AsSpan<float>(), bias, activation, context.Parallel, context.Workspace);
        }
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
        private readonly bool _is3x3 = shape.Window.Kernel is [1, 3, 3] && shape.Window.Strides is [_, 1, 1] && shape.Window.Dilations is [_, 1, 1];

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
            int kW = window.Kernel[2], sw = window.Strides[2], dw = window.Dilations[2], pw = window.PadsBegin[2];
            // Output columns whose every horizontal tap lies inside X: no bounds checks there.
            int interiorFirst = Math.Min(outW, (pw + sw - 1) / sw);
            int interiorLast = Math.Max(interiorFirst, Math.Min(outW, (inW - 1 + pw - (kW - 1) * dw) / sw + 1));
            if (inW - 1 + pw - (kW - 1) * dw < 0)
                interiorLast = interiorFirst;
            for (int plane = start; plane < end; plane++)
            {
                int channel = plane % shape.Channels;
                var src = x.Slice(plane * inPixels, inPixels);
                var dst = y.Slice(plane * outPixels, outPixels);
                var filter = w.Slice(channel * taps, taps);
                float b = bias.IsEmpty ? 0f : bias[channel];
                for (int od = 0; od < outD; od++)
                {
                    var (kdFirst, kdLast) = window.ValidTaps(0, od);
                    int id0 = od * window.Strides[0] - window.PadsBegin[0];
                    for (int oh = 0; oh < outH; oh++)
                    {
                        var (khFirst, khLast) = window.ValidTaps(1, oh);
                        int ih0 = oh * window.Strides[1] - window.PadsBegin[1];
                        var line = dst.Slice((od * outH + oh) * outW, outW);
                        int ow = 0;
                        for (; ow < interiorFirst; ow++)
                            line[ow] = Edge(src, filter, b, ow, kdFirst, kdLast, id0, khFirst, khLast, ih0);
                        if (_is3x3 && khLast - khFirst == 3 && Vector.IsHardwareAccelerated)
                        {
                            ow = Row3x3(src[(ih0 * inW)..], inW, pw, filter, b, line, ow, interiorLast);
                        }
                        else if (sw == 1 && Vector.IsHardwareAccelerated)
                        {
                            int width = Vector<float>.Count;
                            for (; ow + width <= interiorLast; ow += width)
                            {
                                var acc = new Vector<float>(b);
                                for (int kd = kdFirst; kd < kdLast; kd++)
                                    for (int kh = khFirst; kh < khLast; kh++)
                                    {
                                        int rowStart = ((id0 + kd * window.Dilations[0]) * inH + ih0 + kh * window.Dilations[1]) * inW + ow - pw;
                                        int tap = (kd * window.Kernel[1] + kh) * kW;
                                        for (int kw = 0; kw < kW; kw++)
                                            acc = Vector.FusedMultiplyAdd(new Vector<float>(filter[tap + kw]), new Vector<float>(src.Slice(rowStart + kw * dw, width)), acc);
                                    }
                                acc.CopyTo(line[ow..]);
                            }
                        }
                        for (; ow < interiorLast; ow++)
                        {
                            float acc = b;
                            for (int kd = kdFirst; kd < kdLast; kd++)
                                for (int kh = khFirst; kh < khLast; kh++)
                                {
                                    int rowStart = ((id0 + kd * window.Dilations[0]) * inH + ih0 + kh * window.Dilations[1]) * inW + ow * sw - pw;
                                    int tap = (kd * window.Kernel[1] + kh) * kW;
                                    for (int kw = 0; kw < kW; kw++)
                                        acc += filter[tap + kw] * src[rowStart + kw * dw];
                                }
                            line[ow] = acc;
                        }
                        for (; ow < outW; ow++)
                            line[ow] = Edge(src, filter, b, ow, kdFirst, kdLast, id0, khFirst, khLast, ih0);
                    }
                }
                activation.Apply(dst);
            }
        }

        /// <summary>
        /// The 3x3, stride-1 interior of one output row, a vector of outputs per step with all nine taps
        /// in registers; returns where it stopped (the caller finishes any rest). <paramref name="src"/> starts at the top tap row; columns are shifted left by the pad.
        /// </summary>
        private static unsafe int Row3x3(ReadOnlySpan<float> src, int stride, int pad, ReadOnlySpan<float> filter, float bias, Span<float> line, int ow, int last)
        {
            int width = Vector<float>.Count;
            // The loads below are unchecked: make sure the last one stays inside the plane.
            if (ow < pad || last - ow < width || src.Length < 2 * stride + last + 2 - pad || last > line.Length)
                return ow;
            var w0 = new Vector<float>(filter[0]); var w1 = new Vector<float>(filter[1]); var w2 = new Vector<float>(filter[2]);
            var w3 = new Vector<float>(filter[3]); var w4 = new Vector<float>(filter[4]); var w5 = new Vector<float>(filter[5]);
            var w6 = new Vector<float>(filter[6]); var w7 = new Vector<float>(filter[7]); var w8 = new Vector<float>(filter[8]);
            var vb = new Vector<float>(bias);
            fixed (float* top = src, output = line)
            {
                // The ragged end is one more vector ending at last, overlapping outputs already written with the same values.
                while (true)
                {
                    float* r0 = top + ow - pad, r1 = r0 + stride, r2 = r1 + stride;
                    var acc = Vector.FusedMultiplyAdd(w0, Vector.Load(r0), vb);
                    acc = Vector.FusedMultiplyAdd(w1, Vector.Load(r0 + 1), acc);
                    acc = Vector.FusedMultiplyAdd(w2, Vector.Load(r0 + 2), acc);
                    var acc2 = w3 * Vector.Load(r1);
                    acc2 = Vector.FusedMultiplyAdd(w4, Vector.Load(r1 + 1), acc2);
                    acc2 = Vector.FusedMultiplyAdd(w5, Vector.Load(r1 + 2), acc2);
                    acc = Vector.FusedMultiplyAdd(w6, Vector.Load(r2), acc);
                    acc = Vector.FusedMultiplyAdd(w7, Vector.Load(r2 + 1), acc);
                    acc2 = Vector.FusedMultiplyAdd(w8, Vector.Load(r2 + 2), acc2);
                    Vector.Store(acc + acc2, output + ow);
                    if (ow + width >= last)
                        break;
                    ow = Math.Min(ow + width, last - width);
                }
            }
            return last;
        }

        /// <summary>One output near the left or right border, where some horizontal taps fall in the padding.</summary>
        private float Edge(ReadOnlySpan<float> src, ReadOnlySpan<float> filter, float bias, int ow, int kdFirst, int kdLast, int id0, int khFirst, int khLast, int ih0)
        {
            var window = shape.Window;
            var (kwFirst, kwLast) = window.ValidTaps(2, ow);
            int inH = window.Input[1], inW = window.Input[2], kW = window.Kernel[2];
            int iw0 = ow * window.Strides[2] - window.PadsBegin[2];
            float acc = bias;
            for (int kd = kdFirst; kd < kdLast; kd++)
                for (int kh = khFirst; kh < khLast; kh++)
                {
                    int rowStart = ((id0 + kd * window.Dilations[0]) * inH + ih0 + kh * window.Dilations[1]) * inW + iw0;
                    int tap = (kd * window.Kernel[1] + kh) * kW;
                    for (int kw = kwFirst; kw < kwLast; kw++)
                        acc += filter[tap + kw] * src[rowStart + kw * window.Dilations[2]];
                }
            return acc;
        }

    }
}

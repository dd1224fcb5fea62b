using System.Numerics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// MaxPool over float, uint8 and int8 (the int8 form is what QDQ models run): kernel, strides,
/// dilations, pads, auto_pad, ceil_mode. The optional Indices output is not supported.
/// </summary>
public sealed class MaxPoolOperator : Operator
{
    public override string OpType => "MaxPool";

    public override string TypeConstraints => "float, uint8, int8";

    public override void InferOutputs(NodeContext context)
    {
        var (window, output) = Resolve(context);
        _ = window;
        context.SetOutput(0, context.InputType(0), output);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (window, _) = Resolve(context);
        var x = context.InputShape(0);
        int planes = x[0] * x[1];
        return context.InputType(0) switch
        {
            DataType.Float32 when FloatMaxPoolKernel.Handles(window) => new FloatMaxPoolKernel(window, planes),
            DataType.Float32 => new PoolKernel<float>(window, planes, float.NegativeInfinity),
            DataType.UInt8 when ByteMaxPoolKernel<byte>.Handles(window) => new ByteMaxPoolKernel<byte>(window, planes),
            DataType.UInt8 => new PoolKernel<byte>(window, planes, byte.MinValue),
            _ when ByteMaxPoolKernel<sbyte>.Handles(window) => new ByteMaxPoolKernel<sbyte>(window, planes),
            _ => new PoolKernel<sbyte>(window, planes, sbyte.MinValue),
        };
    }

    private static (SpatialWindow Window, TensorShape Output) Resolve(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.RequireType(0, DataType.Float32, DataType.UInt8, DataType.Int8);
        if (context.HasOutput(1))
            throw context.Fail("the optional Indices output is not supported (Edge computes MaxPool values only)");
        var x = context.InputShape(0);
        var kernel = SpatialWindow.KernelShape(context, Math.Max(1, x.Rank - 2))
            ?? throw context.Fail("required attribute 'kernel_shape' is missing");
        long storageOrder = context.Attributes.GetInt("storage_order", 0);
        if (storageOrder is not 0 and not 1)
            throw context.Fail($"attribute 'storage_order' is {storageOrder}; expected 0 or 1");
        bool ceil = context.Attributes.GetInt("ceil_mode", 0) != 0;
        var window = SpatialWindow.Resolve(context, x, kernel, ceil);
        return (window, new TensorShape([x[0], x[1], .. window.OutputDims]));
    }

    private sealed class PoolKernel<T>(SpatialWindow window, int planes, T lowest) : Kernel
        where T : unmanaged, INumber<T>
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).AsSpan<T>();
            var y = context.Output(0).AsSpan<T>();
            int inH = window.Input[1], inW = window.Input[2];
            int outD = window.Output[0], outH = window.Output[1], outW = window.Output[2];
            int inPixels = window.InputSize, outPixels = window.OutputSize;
            for (int plane = 0; plane < planes; plane++)
            {
                var src = x.Slice(plane * inPixels, inPixels);
                var dst = y.Slice(plane * outPixels, outPixels);
                int o = 0;
                for (int od = 0; od < outD; od++)
                {
                    var (kd0, kd1) = window.ValidTaps(0, od);
                    int id0 = od * window.Strides[0] - window.PadsBegin[0];
                    for (int oh = 0; oh < outH; oh++)
                    {
                        var (kh0, kh1) = window.ValidTaps(1, oh);
                        int ih0 = oh * window.Strides[1] - window.PadsBegin[1];
                        for (int ow = 0; ow < outW; ow++, o++)
                        {
                            var (kw0, kw1) = window.ValidTaps(2, ow);
                            int iw0 = ow * window.Strides[2] - window.PadsBegin[2];
                            T best = lowest;
                            for (int kd = kd0; kd < kd1; kd++)
                            {
                                int id = id0 + kd * window.Dilations[0];
                                for (int kh = kh0; kh < kh1; kh++)
                                {
                                    int rowStart = (id * inH + ih0 + kh * window.Dilations[1]) * inW + iw0;
                                    for (int kw = kw0; kw < kw1; kw++)
                                    {
                                        T v = src[rowStart + kw * window.Dilations[2]];
                                        if (v > best)
                                            best = v;
                                    }
                                }
                            }
                            dst[o] = best;
                        }
                    }
                }
            }
        }
    }
}

using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>AveragePool (float): kernel, strides, pads, auto_pad, ceil_mode, count_include_pad, dilations (opset 19).</summary>
public sealed class AveragePoolOperator : Operator
{
    public override string OpType => "AveragePool";

    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context)
    {
        var (_, output) = Resolve(context);
        context.SetOutput(0, DataType.Float32, output);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (window, _) = Resolve(context);
        var x = context.InputShape(0);
        bool includePad = context.Attributes.GetInt("count_include_pad", 0) != 0;
        return new AverageKernel(window, x[0] * x[1], includePad);
    }

    private static (SpatialWindow Window, TensorShape Output) Resolve(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.RequireType(0, DataType.Float32);
        var x = context.InputShape(0);
        var kernel = SpatialWindow.KernelShape(context, Math.Max(1, x.Rank - 2))
            ?? throw context.Fail("required attribute 'kernel_shape' is missing");
        bool ceil = context.Attributes.GetInt("ceil_mode", 0) != 0;
        var window = SpatialWindow.Resolve(context, x, kernel, ceil);
        return (window, new TensorShape([x[0], x[1], .. window.OutputDims]));
    }

    private sealed class AverageKernel(SpatialWindow window, int planes, bool includePad) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).AsSpan<float>();
            var y = context.Output(0).AsSpan<float>();
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
                    int cd = includePad ? PaddedTaps(0, od) : kd1 - kd0;
                    for (int oh = 0; oh < outH; oh++)
                    {
                        var (kh0, kh1) = window.ValidTaps(1, oh);
                        int ih0 = oh * window.Strides[1] - window.PadsBegin[1];
                        int ch = includePad ? PaddedTaps(1, oh) : kh1 - kh0;
                        for (int ow = 0; ow < outW; ow++, o++)
                        {
                            var (kw0, kw1) = window.ValidTaps(2, ow);
                            int iw0 = ow * window.Strides[2] - window.PadsBegin[2];
                            int cw = includePad ? PaddedTaps(2, ow) : kw1 - kw0;
                            float sum = 0f;
                            for (int kd = kd0; kd < kd1; kd++)
                            {
                                int id = id0 + kd * window.Dilations[0];
                                for (int kh = kh0; kh < kh1; kh++)
                                {
                                    int rowStart = (id * inH + ih0 + kh * window.Dilations[1]) * inW + iw0;
                                    for (int kw = kw0; kw < kw1; kw++)
                                        sum += src[rowStart + kw * window.Dilations[2]];
                                }
                            }
                            int count = cd * ch * cw;
                            dst[o] = count > 0 ? sum / count : 0f;
                        }
                    }
                }
            }
        }

        /// <summary>Taps inside the padded input (pads count, positions beyond the end pad from ceil_mode do not).</summary>
        private int PaddedTaps(int axis, int o)
        {
            int start = o * window.Strides[axis] - window.PadsBegin[axis];
            int limit = window.Input[axis] + window.PadsEnd[axis] - 1 - start;
            return limit < 0 ? 0 : Math.Min(window.Kernel[axis], limit / window.Dilations[axis] + 1);
        }
    }
}

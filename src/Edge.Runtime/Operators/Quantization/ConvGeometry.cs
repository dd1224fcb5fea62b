using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>Conv attributes resolved at concrete shapes (1-D or 2-D spatial; 1-D runs as height 1): output size and padding, auto_pad included.</summary>
internal sealed class ConvGeometry
{
    public int Batch, Channels, Height, Width, OutChannels, Group, KernelH, KernelW, StrideH, StrideW, DilationH, DilationW, PadTop, PadLeft, OutH, OutW;

    public int ChannelsPerGroup => Channels / Group;

    public int OutChannelsPerGroup => OutChannels / Group;

    /// <summary>GEMM depth: one group's input channels times the kernel window.</summary>
    public int PatchSize => ChannelsPerGroup * KernelH * KernelW;

    public int OutPixels => OutH * OutW;

    public TensorShape OutputShape { get; private set; } = TensorShape.Scalar;

    public static ConvGeometry Create(NodeContext context, TensorShape x, TensorShape w)
    {
        if (x.Rank < 3 || x.Rank > 4)
            throw context.Fail($"input has shape {x}; only 1-D and 2-D convolutions (rank 3 or 4) are supported");
        if (w.Rank != x.Rank)
            throw context.Fail($"weight has shape {w}, input {x}: ranks differ");
        int spatial = x.Rank - 2;
        var attrs = context.Attributes;
        int group = (int)attrs.GetInt("group", 1);
        var g = new ConvGeometry
        {
            Batch = x[0],
            Channels = x[1],
            Height = spatial == 2 ? x[2] : 1,
            Width = x[x.Rank - 1],
            OutChannels = w[0],
            Group = group,
            KernelH = spatial == 2 ? w[2] : 1,
            KernelW = w[w.Rank - 1],
        };
        if (group < 1 || g.Channels % group != 0 || g.OutChannels % group != 0)
            throw context.Fail($"group {group} does not divide input channels {g.Channels} and output channels {g.OutChannels}");
        if (w[1] != g.Channels / group)
            throw context.Fail($"weight has {w[1]} input channels per group; input has {g.Channels} channels in {group} groups");
        var kernel = attrs.GetInts("kernel_shape");
        if (kernel is not null && (kernel.Length != spatial || kernel[^1] != g.KernelW || spatial == 2 && kernel[0] != g.KernelH))
            throw context.Fail($"kernel_shape [{string.Join(",", kernel)}] does not match the weight shape {w}");
        var strides = attrs.GetInts("strides") ?? Enumerable.Repeat(1L, spatial).ToArray();
        var dilations = attrs.GetInts("dilations") ?? Enumerable.Repeat(1L, spatial).ToArray();
        if (strides.Length != spatial || dilations.Length != spatial || strides.Any(s => s < 1) || dilations.Any(d => d < 1))
            throw context.Fail($"strides and dilations need {spatial} positive values");
        g.StrideH = spatial == 2 ? (int)strides[0] : 1;
        g.StrideW = (int)strides[^1];
        g.DilationH = spatial == 2 ? (int)dilations[0] : 1;
        g.DilationW = (int)dilations[^1];

        string autoPad = attrs.GetString("auto_pad", "NOTSET");
        (g.PadTop, g.OutH) = Resolve(context, autoPad, attrs.GetInts("pads"), spatial, spatial == 2 ? 0 : -1, g.Height, g.KernelH, g.StrideH, g.DilationH);
        (g.PadLeft, g.OutW) = Resolve(context, autoPad, attrs.GetInts("pads"), spatial, spatial - 1, g.Width, g.KernelW, g.StrideW, g.DilationW);
        g.OutputShape = spatial == 2
            ? new TensorShape(g.Batch, g.OutChannels, g.OutH, g.OutW)
            : new TensorShape(g.Batch, g.OutChannels, g.OutW);
        return g;
    }

    private static (int PadBegin, int Output) Resolve(NodeContext context, string autoPad, long[]? pads, int spatial, int axis, int input, int kernel, int stride, int dilation)
    {
        if (axis < 0)
            return (0, 1);
        int effective = dilation * (kernel - 1) + 1;
        switch (autoPad)
        {
            case "NOTSET":
            {
                if (pads is not null && pads.Length != 2 * spatial)
                    throw context.Fail($"pads has {pads.Length} values; expected {2 * spatial}");
                int begin = pads is null ? 0 : (int)pads[axis];
                int end = pads is null ? 0 : (int)pads[axis + spatial];
                int output = (input + begin + end - effective) / stride + 1;
                if (input + begin + end < effective)
                    throw context.Fail($"kernel of extent {effective} exceeds the padded input ({input + begin + end})");
                return (begin, output);
            }
            case "VALID":
                if (input < effective)
                    throw context.Fail($"kernel of extent {effective} exceeds the input ({input})");
                return (0, (input - effective) / stride + 1);
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                int output = (input + stride - 1) / stride;
                int total = Math.Max(0, (output - 1) * stride + effective - input);
                return (autoPad == "SAME_UPPER" ? total / 2 : total - total / 2, output);
            }
            default:
                throw context.Fail($"auto_pad '{autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        }
    }
}

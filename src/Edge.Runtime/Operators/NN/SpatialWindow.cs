using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// The sliding-window geometry that Conv and the pools share: kernel, strides, dilations, pads
/// (explicit or from auto_pad) and output extents, always held as 3-D (leading axes of size 1)
/// so that one loop nest serves 1-D, 2-D and 3-D.
/// </summary>
internal sealed class SpatialWindow
{
    public const int Axes = 3;

    private SpatialWindow() { }

    /// <summary>Spatial axes the model actually has (1..3).</summary>
    public int Rank { get; private init; }

    public int[] Input { get; private init; } = [];
    public int[] Kernel { get; private init; } = [];
    public int[] Strides { get; private init; } = [];
    public int[] Dilations { get; private init; } = [];
    public int[] PadsBegin { get; private init; } = [];
    public int[] PadsEnd { get; private init; } = [];
    public int[] Output { get; private init; } = [];

    public int InputSize => Input[0] * Input[1] * Input[2];

    public int OutputSize => Output[0] * Output[1] * Output[2];

    public int KernelSize => Kernel[0] * Kernel[1] * Kernel[2];

    /// <summary>Output spatial dims in the model's rank.</summary>
    public int[] OutputDims => Output[(Axes - Rank)..];

    public bool IsPointwise => KernelSize == 1 && Strides.All(s => s == 1) && PadsBegin.All(p => p == 0) && PadsEnd.All(p => p == 0);

    /// <summary>Resolves the window from the node's attributes for input <paramref name="x"/> (N, C, spatial…).</summary>
    public static SpatialWindow Resolve(NodeContext context, TensorShape x, int[] kernel, bool ceilMode)
    {
        int rank = x.Rank - 2;
        if (rank < 1 || rank > Axes)
            throw context.Fail($"input 0 has shape {x}; expected (N, C, D1[, D2[, D3]]) with 1 to 3 spatial axes");
        var attributes = context.Attributes;
        var strides = Ints(context, "strides", rank, 1);
        var dilations = Ints(context, "dilations", rank, 1);
        foreach (int s in strides)
            if (s < 1) throw context.Fail($"attribute 'strides' has {s}; strides must be positive");
        foreach (int d in dilations)
            if (d < 1) throw context.Fail($"attribute 'dilations' has {d}; dilations must be positive");
        foreach (int k in kernel)
            if (k < 1) throw context.Fail($"kernel size {k} must be positive");
        var begin = new int[rank];
        var end = new int[rank];
        var output = new int[rank];
        string autoPad = attributes.GetString("auto_pad", "NOTSET");
        var pads = attributes.GetInts("pads");
        if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
            throw context.Fail($"attribute 'auto_pad' is '{autoPad}'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        if (pads is not null && autoPad != "NOTSET" && pads.Any(p => p != 0))
            throw context.Fail($"attribute 'pads' cannot be combined with auto_pad {autoPad}");
        if (pads is not null && pads.Length != 2 * rank)
            throw context.Fail($"attribute 'pads' has {pads.Length} values; expected {2 * rank} for {rank} spatial axes");
        for (int i = 0; i < rank; i++)
        {
            int input = x[2 + i];
            int extent = (kernel[i] - 1) * dilations[i] + 1;
            switch (autoPad)
            {
                case "VALID":
                    output[i] = input >= extent ? (input - extent) / strides[i] + 1 : 0;
                    break;
                case "SAME_UPPER":
                case "SAME_LOWER":
                {
                    output[i] = (input + strides[i] - 1) / strides[i];
                    int total = Math.Max(0, (output[i] - 1) * strides[i] + extent - input);
                    begin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                    end[i] = total - begin[i];
                    break;
                }
                default:
                {
                    if (pads is not null)
                    {
                        if (pads[i] < 0 || pads[i + rank] < 0)
                            throw context.Fail($"attribute 'pads' has a negative value ({string.Join(",", pads)})");
                        begin[i] = checked((int)pads[i]);
                        end[i] = checked((int)pads[i + rank]);
                    }
                    long span = (long)input + begin[i] + end[i] - extent;
                    if (span < 0)
                        throw context.Fail($"spatial axis {i} of input 0 ({input}, padded {begin[i]}+{end[i]}) is smaller than the kernel extent {extent}");
                    output[i] = (int)(ceilMode ? (span + strides[i] - 1) / strides[i] + 1 : span / strides[i] + 1);
                    // A last window that would start in the end padding is dropped (as ONNX Runtime and PyTorch do).
                    if (ceilMode && (long)(output[i] - 1) * strides[i] >= input + begin[i])
                        output[i]--;
                    break;
                }
            }
            if (output[i] < 1)
                throw context.Fail($"spatial axis {i} of input 0 ({input}) gives an empty output for kernel extent {extent}, stride {strides[i]}");
        }
        return new SpatialWindow
        {
            Rank = rank,
            Input = Pad3(x.Dims[2..].ToArray(), 1),
            Kernel = Pad3(kernel, 1),
            Strides = Pad3(strides, 1),
            Dilations = Pad3(dilations, 1),
            PadsBegin = Pad3(begin, 0),
            PadsEnd = Pad3(end, 0),
            Output = Pad3(output, 1),
        };
    }

    /// <summary>kernel_shape when present (checked against <paramref name="rank"/>), else null.</summary>
    public static int[]? KernelShape(NodeContext context, int rank)
    {
        var kernel = context.Attributes.GetInts("kernel_shape");
        if (kernel is null)
            return null;
        if (kernel.Length != rank)
            throw context.Fail($"attribute 'kernel_shape' has {kernel.Length} values; expected {rank} for {rank} spatial axes");
        return kernel.Select(k => checked((int)k)).ToArray();
    }

    /// <summary>The valid kernel taps [first, last) of axis <paramref name="axis"/> for output position <paramref name="o"/>.</summary>
    public (int First, int Last) ValidTaps(int axis, int o)
    {
        int start = o * Strides[axis] - PadsBegin[axis];
        int d = Dilations[axis];
        int first = start >= 0 ? 0 : (-start + d - 1) / d;
        int last = Kernel[axis];
        int beyond = start + (last - 1) * d - (Input[axis] - 1);
        if (beyond > 0)
            last -= (beyond + d - 1) / d;
        return (first, Math.Max(first, last));
    }

    private static int[] Ints(NodeContext context, string name, int rank, int defaultValue)
    {
        var values = context.Attributes.GetInts(name);
        if (values is null)
            return Enumerable.Repeat(defaultValue, rank).ToArray();
        if (values.Length != rank)
            throw context.Fail($"attribute '{name}' has {values.Length} values; expected {rank} for {rank} spatial axes");
        return values.Select(v => checked((int)v)).ToArray();
    }

    private static int[] Pad3(int[] values, int fill)
    {
        var result = new int[Axes];
        Array.Fill(result, fill);
        values.CopyTo(result, Axes - values.Length);
        return result;
    }
}

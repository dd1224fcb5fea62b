using Edge.Runtime.Operators.NN;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.NN.NodeHarness;

namespace Edge.Runtime.Tests.Operators.NN;

public sealed class ConvOperatorTests
{
    public sealed record Case(string Name, int[] X, int Filters, int Group, int[] Kernel, int[] Strides, int[] Dilations, int[] Pads, string AutoPad = "NOTSET")
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new("2d 3x3 pads", [1, 3, 7, 6], 5, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("2d strided asymmetric pads", [2, 4, 9, 8], 6, 1, [3, 2], [2, 3], [1, 1], [0, 1, 2, 0]),
        new("2d dilated", [1, 2, 10, 11], 3, 1, [3, 3], [1, 1], [2, 3], [2, 1, 0, 2]),
        new("2d groups", [1, 6, 5, 5], 9, 3, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("depthwise", [2, 5, 8, 9], 5, 5, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("depthwise strided dilated", [1, 4, 11, 10], 4, 4, [3, 3], [2, 2], [2, 1], [2, 1, 1, 2]),
        new("depthwise wide rows", [1, 3, 5, 41], 3, 3, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("depthwise wide dilated asymmetric", [2, 2, 6, 45], 2, 2, [3, 5], [1, 1], [2, 2], [0, 3, 2, 1]),
        new("depthwise 1d", [1, 4, 50], 4, 4, [7], [1], [1], [3, 3]),
        new("depthwise multiplier 2", [1, 3, 6, 6], 6, 3, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("pointwise", [2, 17, 5, 7], 33, 1, [1, 1], [1, 1], [1, 1], [0, 0, 0, 0]),
        new("pointwise strided", [1, 8, 6, 7], 4, 1, [1, 1], [2, 2], [1, 1], [0, 0, 0, 0]),
        new("1d", [2, 3, 20], 4, 1, [5], [2], [1], [2, 1]),
        new("3d", [1, 2, 5, 6, 4], 3, 1, [3, 2, 3], [1, 2, 1], [1, 1, 1], [1, 0, 1, 1, 1, 0]),
        new("same upper", [1, 3, 7, 8], 4, 1, [4, 3], [2, 2], [1, 1], [0, 0, 0, 0], "SAME_UPPER"),
        new("same lower", [1, 3, 7, 8], 4, 1, [4, 3], [2, 2], [1, 1], [0, 0, 0, 0], "SAME_LOWER"),
        new("valid", [1, 3, 7, 8], 4, 1, [3, 3], [2, 3], [1, 1], [0, 0, 0, 0], "VALID"),
        new("deep K blocks", [1, 40, 6, 6], 20, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("many pixel blocks", [2, 5, 23, 29], 14, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("many pixel blocks strided", [1, 7, 37, 30], 13, 1, [5, 3], [2, 1], [1, 2], [2, 1, 2, 2]),
        // Tiny images of a batch share pixel panels: runs of 8, 4 and 6 pixels, stride-2 runs, K blocks, groups.
        new("tiny 8x8 batch", [3, 4, 8, 8], 10, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("tiny 4x4 batch groups", [5, 6, 4, 4], 8, 2, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("tiny 6x6 batch odd filters", [3, 3, 6, 6], 7, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("tiny 5x7 batch asymmetric pads", [4, 2, 5, 7], 9, 1, [3, 3], [1, 1], [1, 1], [0, 2, 1, 1]),
        new("tiny 8x8 batch strided", [4, 3, 8, 8], 6, 1, [3, 3], [2, 2], [1, 1], [1, 1, 1, 1]),
        new("tiny 8x8 batch deep K blocks", [2, 40, 8, 8], 13, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("tiny 4x4 batch 16 wide", [16, 32, 4, 4], 32, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("tiny 4x4 batch 6 shared panels", [6, 3, 4, 4], 9, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("tiny 6x6 batch 8 split tiles", [8, 3, 6, 6], 10, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        // Stride 1 with output rows as wide as the input's: the direct kernel's masks, zero rows, tiles of 1-3 vectors, 8-channel blocks.
        new("same width dilated", [2, 3, 9, 10], 11, 1, [3, 3], [1, 1], [2, 2], [2, 2, 2, 2]),
        new("same width 5x3 asymmetric vertical pads", [3, 2, 6, 5], 9, 1, [5, 3], [1, 1], [1, 1], [1, 1, 3, 1]),
        new("same width wide kernel", [2, 4, 5, 13], 8, 1, [3, 7], [1, 1], [1, 1], [0, 3, 1, 3]),
        new("same width 1d", [2, 3, 37], 10, 1, [5], [1], [1], [2, 2]),
        new("same width ragged blocks", [5, 4, 3, 5], 17, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("same width batch 1 threaded", [1, 24, 12, 12], 19, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        new("same width groups", [3, 8, 6, 6], 12, 4, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesDirectConvolution(Case c)
    {
        var random = new Random(c.Name.Length);
        var x = Random(random, c.X);
        var w = Random(random, [c.Filters, c.X[1] / c.Group, .. c.Kernel]);
        var b = Random(random, c.Filters);
        var node = ConvNode(c);
        var expected = Reference(c, x, w, b);
        foreach (bool constantWeights in new[] { true, false })
            foreach (bool allowDirect in new[] { true, false })
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    var y = Run(new ConvOperator(allowDirect), node, [x, w, b], [false, constantWeights, constantWeights], threads)[0];
                    AssertClose(expected, y.AsSpan<float>());
                }
    }

    [Theory]
    [InlineData("2d 3x3 pads")]
    [InlineData("tiny 4x4 batch 6 shared panels")]
    [InlineData("tiny 6x6 batch 8 split tiles")]
    [InlineData("tiny 8x8 batch deep K blocks")]
    public void FusedReluAndClipAttributesClampTheOutput(string caseName)
    {
        var random = new Random(7);
        var c = CaseNamed(caseName);
        var x = Random(random, c.X);
        var w = Random(random, [c.Filters, c.X[1], .. c.Kernel]);
        var b = Random(random, c.Filters);
        var plain = Reference(c, x, w, b);
        foreach (var (name, parameters, lo, hi) in new[] { ("Relu", Array.Empty<float>(), 0f, float.PositiveInfinity), ("Clip", new[] { -0.25f, 0.5f }, -0.25f, 0.5f) })
        {
            var node = ConvNode(c);
            node.Attributes.Set("activation", String(name));
            node.Attributes.Set("activation_params", Floats(parameters));
            foreach (bool allowDirect in new[] { true, false })
            {
                var y = Run(new ConvOperator(allowDirect), node, [x, w, b], [false, true, true])[0];
                AssertClose(plain.Select(v => Math.Min(Math.Max(v, lo), hi)).ToArray(), y.AsSpan<float>());
            }
            Assert.Contains(plain, v => v < lo);
        }
    }

    [Theory]
    [InlineData("2d 3x3 pads", true)]
    [InlineData("same width dilated", true)]
    [InlineData("same width 1d", true)]
    [InlineData("same width groups", true)]
    [InlineData("2d strided asymmetric pads", false)]
    [InlineData("tiny 5x7 batch asymmetric pads", false)]
    [InlineData("pointwise", false)]
    public void StrideOneSameWidthConvolutionsRunTheDirectKernelOnAvx512(string caseName, bool direct)
    {
        var c = CaseNamed(caseName);
        var random = new Random(3);
        var kernel = Prepare(new ConvOperator(), ConvNode(c), [Random(random, c.X), Random(random, [c.Filters, c.X[1] / c.Group, .. c.Kernel])], [false, true]);
        Assert.Equal(direct && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, ConvOperator.RunsDirect(kernel));
        Assert.False(ConvOperator.RunsDirect(Prepare(new ConvOperator(allowDirect: false), ConvNode(c), [Random(random, c.X), Random(random, [c.Filters, c.X[1] / c.Group, .. c.Kernel])], [false, true])));
    }

    [Theory]
    [InlineData("2d 3x3 pads")]
    [InlineData("tiny 4x4 batch 16 wide")]
    [InlineData("tiny 5x7 batch asymmetric pads")]
    public void NanInputsReachEveryOutputTheyTouchOnEveryPath(string caseName)
    {
        var c = CaseNamed(caseName);
        var random = new Random(12);
        var x = Random(random, c.X);
        x.AsSpan<float>()[x.Shape.ElementCount / 2] = float.NaN;
        var w = Random(random, [c.Filters, c.X[1] / c.Group, .. c.Kernel]);
        var b = Random(random, c.Filters);
        var expected = Reference(c, x, w, b);
        Assert.Contains(expected, double.IsNaN);
        foreach (bool allowDirect in new[] { true, false })
        {
            var y = Run(new ConvOperator(allowDirect), ConvNode(c), [x, w, b], [false, true, true])[0].AsSpan<float>().ToArray();
            Assert.Equal(expected.Select(double.IsNaN), y.Select(float.IsNaN));
        }
    }

    [Fact]
    public void FusedReluAppliesOnTheDepthwisePath()
    {
        var random = new Random(8);
        var c = CaseNamed("depthwise");
        var x = Random(random, c.X);
        var w = Random(random, [c.Filters, 1, .. c.Kernel]);
        var node = ConvNode(c);
        node.Attributes.Set("activation", String("Relu"));
        var y = Run(new ConvOperator(), node, [x, w], [false, true])[0];
        AssertClose(Reference(c, x, w, null).Select(v => Math.Max(v, 0)).ToArray(), y.AsSpan<float>());
    }

    [Theory]
    [InlineData("auto_pad", "SAME", "auto_pad")]
    [InlineData("activation", "Sigmoid", "activation")]
    [InlineData("activation", "Clip", "activation_params")]
    public void BadStringAttributesFailNamingTheNodeAndAttribute(string attribute, string value, string named)
    {
        var node = Node("Conv", 2, attributes: (attribute, String(value)));
        var e = Assert.Throws<ModelException>(() => Prepare(new ConvOperator(), node, [Tensor.Allocate(DataType.Float32, new TensorShape(1, 2, 5, 5)), Tensor.Allocate(DataType.Float32, new TensorShape(3, 2, 3, 3))]));
        Assert.Contains("node 'n1' (Conv", e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void ExplicitPadsWithAutoPadFail()
    {
        var node = Node("Conv", 2, attributes: [("auto_pad", String("SAME_UPPER")), ("pads", Ints(1, 1, 1, 1))]);
        var e = Assert.Throws<ModelException>(() => Prepare(new ConvOperator(), node, [Tensor.Allocate(DataType.Float32, new TensorShape(1, 2, 5, 5)), Tensor.Allocate(DataType.Float32, new TensorShape(3, 2, 3, 3))]));
        Assert.Contains("'pads'", e.Message);
    }

    [Theory]
    [InlineData(4, 6, 2, 4)]  // group 4 does not divide 6 input channels
    [InlineData(2, 4, 2, 3)]  // 3 filters not divisible by 2 groups
    [InlineData(2, 4, 3, 4)]  // W has 3 channels per group, X gives 2
    [InlineData(0, 4, 4, 4)]  // group 0
    public void BadGroupCountsFailNamingTheNode(long group, int channels, int weightChannels, int filters)
    {
        var node = Node("Conv", 2, attributes: ("group", Int(group)));
        var e = Assert.Throws<ModelException>(() => Prepare(new ConvOperator(), node,
            [Tensor.Allocate(DataType.Float32, new TensorShape(1, channels, 5, 5)), Tensor.Allocate(DataType.Float32, new TensorShape(filters, weightChannels, 3, 3))]));
        Assert.Contains("node 'n1' (Conv, opset 17)", e.Message);
        Assert.Contains("group", e.Message);
    }

    [Fact]
    public void KernelLargerThanPaddedInputFails()
    {
        var node = Node("Conv", 2);
        var e = Assert.Throws<ModelException>(() => Prepare(new ConvOperator(), node,
            [Tensor.Allocate(DataType.Float32, new TensorShape(1, 1, 2, 2)), Tensor.Allocate(DataType.Float32, new TensorShape(1, 1, 3, 3))]));
        Assert.Contains("kernel extent", e.Message);
    }

    private static Case CaseNamed(string name) => ((IEnumerable<object[]>)Cases()).Select(r => (Case)r[0]).First(k => k.Name == name);

    private static Graphs.Node ConvNode(Case c)
    {
        var node = Node("Conv", 3, attributes: [("group", Int(c.Group)), ("strides", Ints(c.Strides.Select(v => (long)v).ToArray())), ("dilations", Ints(c.Dilations.Select(v => (long)v).ToArray()))]);
        if (c.AutoPad == "NOTSET")
            node.Attributes.Set("pads", Ints(c.Pads.Select(v => (long)v).ToArray()));
        else
            node.Attributes.Set("auto_pad", String(c.AutoPad));
        return node;
    }

    /// <summary>A direct, unoptimised convolution in double with pads worked out independently of the runtime.</summary>
    private static double[] Reference(Case c, Tensor xt, Tensor wt, Tensor? bt)
    {
        int rank = c.X.Length - 2;
        int[] input = [.. Enumerable.Repeat(1, 3 - rank), .. c.X[2..]];
        int[] kernel = [.. Enumerable.Repeat(1, 3 - rank), .. c.Kernel];
        int[] stride = [.. Enumerable.Repeat(1, 3 - rank), .. c.Strides];
        int[] dilation = [.. Enumerable.Repeat(1, 3 - rank), .. c.Dilations];
        var begin = new int[3];
        var output = new int[3];
        for (int a = 0; a < 3; a++)
        {
            int i = a - (3 - rank);
            int extent = (kernel[a] - 1) * dilation[a] + 1;
            if (i < 0) { output[a] = 1; continue; }
            if (c.AutoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                output[a] = (input[a] + stride[a] - 1) / stride[a];
                int total = Math.Max(0, (output[a] - 1) * stride[a] + extent - input[a]);
                begin[a] = c.AutoPad == "SAME_UPPER" ? total / 2 : (total + 1) / 2;
            }
            else
            {
                int pb = c.AutoPad == "VALID" ? 0 : c.Pads[i], pe = c.AutoPad == "VALID" ? 0 : c.Pads[i + rank];
                begin[a] = pb;
                output[a] = (input[a] + pb + pe - extent) / stride[a] + 1;
            }
        }
        var x = xt.AsSpan<float>();
        var w = wt.AsSpan<float>();
        int n = c.X[0], channels = c.X[1], cg = channels / c.Group, mg = c.Filters / c.Group;
        var y = new double[n * c.Filters * output[0] * output[1] * output[2]];
        int o = 0;
        for (int b = 0; b < n; b++)
            for (int m = 0; m < c.Filters; m++)
                for (int od = 0; od < output[0]; od++)
                    for (int oh = 0; oh < output[1]; oh++)
                        for (int ow = 0; ow < output[2]; ow++, o++)
                        {
                            double sum = bt is null ? 0 : bt.AsSpan<float>()[m];
                            int g = m / mg;
                            for (int ci = 0; ci < cg; ci++)
                                for (int kd = 0; kd < kernel[0]; kd++)
                                    for (int kh = 0; kh < kernel[1]; kh++)
                                        for (int kw = 0; kw < kernel[2]; kw++)
                                        {
                                            int id = od * stride[0] - begin[0] + kd * dilation[0];
                                            int ih = oh * stride[1] - begin[1] + kh * dilation[1];
                                            int iw = ow * stride[2] - begin[2] + kw * dilation[2];
                                            if (id < 0 || ih < 0 || iw < 0 || id >= input[0] || ih >= input[1] || iw >= input[2])
                                                continue;
                                            int c0 = g * cg + ci;
                                            double xv = x[(((b * channels + c0) * input[0] + id) * input[1] + ih) * input[2] + iw];
                                            double wv = w[(((m * cg + ci) * kernel[0] + kd) * kernel[1] + kh) * kernel[2] + kw];
                                            sum += xv * wv;
                                        }
                            y[o] = sum;
                        }
        return y;
    }
}

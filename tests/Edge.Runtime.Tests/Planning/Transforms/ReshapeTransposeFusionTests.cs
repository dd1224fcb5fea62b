using Edge.Onnx.Protos;
using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using static Edge.Runtime.Tests.TestModels;

namespace Edge.Runtime.Tests.Planning.Transforms;

/// <summary>Reshape/Transpose pairs (attention's head split and merge) become one Transpose that moves the same values.</summary>
public sealed class ReshapeTransposeFusionTests
{
    private const int Float = 1;

    private static TensorProto Shape(string name, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.Add(dims.Length);
        t.Int64Data.Add(dims);
        return t;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>x[2,5,12] → Reshape [0,5,3,4] → Transpose [0,2,1,3] (split heads) → y[2,3,5,4].</summary>
    private static ModelProto SplitHeads(long allowZero = 0, bool reshapedAlsoOutput = false)
    {
        var reshape = Node("Reshape", ["x", "heads"], ["split"]);
        if (allowZero != 0)
            reshape.Attribute.Add(new AttributeProto { Name = "allowzero", Type = AttributeProto.Types.AttributeType.Int, I = allowZero });
        var transpose = Node("Transpose", ["split"], ["y"]);
        transpose.Attribute.Add(Ints("perm", 0, 2, 1, 3));
        var outputs = new List<ValueInfoProto> { Value("y", Float, 2, 3, 5, 4) };
        if (reshapedAlsoOutput)
            outputs.Add(Value("split", Float, 2, 5, 3, 4));
        return Model([reshape, transpose], [Value("x", Float, 2, 5, 12)], outputs, [Shape("heads", allowZero != 0 ? 2 : 0, 5, 3, 4)], opset: 14);
    }

    /// <summary>x[2,3,5,4] → Transpose [0,2,1,3] → Reshape [-1,5,12] (merge heads) → y[2,5,12].</summary>
    private static ModelProto MergeHeads()
    {
        var transpose = Node("Transpose", ["x"], ["merged"]);
        transpose.Attribute.Add(Ints("perm", 0, 2, 1, 3));
        var reshape = Node("Reshape", ["merged", "rows"], ["y"]);
        return Model([transpose, reshape], [Value("x", Float, 2, 3, 5, 4)], [Value("y", Float, 2, 5, 12)], [Shape("rows", -1, 5, 12)], opset: 14);
    }

    private static (List<string> Ops, TensorShape Shape, float[] Fused, float[] Unfused) Run(ModelProto model, params int[] inputDims)
    {
        var shape = new TensorShape(inputDims);
        var x = Tensor.FromArray<float>(shape, Enumerable.Range(0, shape.ElementCount).Select(i => i * 0.5f - 7f).ToArray());
        var (ops, y, reference) = FusedAndUnfused.Run(model, new Dictionary<string, Tensor> { ["x"] = x });
        Assert.Equal(reference.Shape, y.Shape);
        return (ops, y.Shape, y.AsSpan<float>().ToArray(), reference.AsSpan<float>().ToArray());
    }

    /// <summary>Pure data movement: the fused copy must move every value to the same place, bit for bit.</summary>
    private static void AssertSameBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));

    [Fact]
    public void ReshapeThenTransposeBecomesOneTransposeMovingTheSameValues()
    {
        var (ops, shape, fused, unfused) = Run(SplitHeads(), 2, 5, 12);
        Assert.Equal(["Transpose"], ops);
        Assert.Equal(new TensorShape(2, 3, 5, 4), shape);
        AssertSameBits(unfused, fused);
    }

    [Fact]
    public void TransposeThenReshapeBecomesOneTransposeMovingTheSameValues()
    {
        var (ops, shape, fused, unfused) = Run(MergeHeads(), 2, 3, 5, 4);
        Assert.Equal(["Transpose"], ops);
        Assert.Equal(new TensorShape(2, 5, 12), shape);
        AssertSameBits(unfused, fused);
    }

    [Fact]
    public void ReshapeWithAllowZeroIsLeftAlone()
    {
        var (ops, _, _, _) = Run(SplitHeads(allowZero: 1), 2, 5, 12);
        Assert.Equal(["Reshape", "Transpose"], ops);
    }

    [Fact]
    public void ReshapeWhoseResultIsAlsoAGraphOutputIsLeftAlone()
    {
        var (ops, _, _, _) = Run(SplitHeads(reshapedAlsoOutput: true), 2, 5, 12);
        Assert.Equal(["Reshape", "Transpose"], ops);
    }
}

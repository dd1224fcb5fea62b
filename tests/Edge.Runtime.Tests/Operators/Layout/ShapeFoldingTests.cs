using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

public sealed class ShapeFoldingTests
{
    /// <summary>x[batch,3,4] → Reshape(x, Concat(Gather(Shape(x), [0]), [-1])): the exporters' flatten-keeping-batch idiom.</summary>
    private static InferenceSession FlattenKeepingBatch()
    {
        var graph = new Graph();
        graph.OpsetImports[""] = 15;
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, [null, 3, 4]));
        graph.Initializers["zero"] = Ints(0);
        graph.Initializers["minus_one"] = Ints(-1);
        graph.Nodes.Add(new Node("shape", "Shape", "", ["x"], ["s"], opset: 15));
        graph.Nodes.Add(new Node("gather", "Gather", "", ["s", "zero"], ["batch"], opset: 15));
        graph.Nodes.Add(new Node("concat", "Concat", "", ["batch", "minus_one"], ["target"], opset: 15));
        graph.Nodes[^1].Attributes.SetInt("axis", 0);
        graph.Nodes.Add(new Node("reshape", "Reshape", "", ["x", "target"], ["y"], opset: 15));
        graph.Outputs.Add(new ValueInfo("y", DataType.Float32, null));
        return new InferenceSession(graph);
    }

    [Fact]
    public void ShapeGatherConcatChainFoldsAtPlanTime()
    {
        var session = FlattenKeepingBatch();
        var plan = session.GetPlan([(DataType.Float32, new TensorShape(5, 3, 4))]);
        Assert.Equal(["Reshape"], plan.Steps.Select(s => s.Node.OpType));
    }

    [Fact]
    public void EachInputShapeGetsItsOwnFoldedTarget()
    {
        var session = FlattenKeepingBatch();
        foreach (int batch in new[] { 1, 5 })
        {
            var x = Floats([batch, 3, 4]);
            var y = session.Run(new Dictionary<string, Tensor> { ["x"] = x })["y"];
            Assert.Equal(new TensorShape(batch, 12), y.Shape);
            Assert.Equal(x.AsSpan<float>().ToArray(), y.AsSpan<float>().ToArray());
        }
    }

    [Fact]
    public void ShapeHonoursStartAndEndFromOpset15()
    {
        var y = Run("Shape", [Fed(Floats([2, 3, 4, 5]))], opset: 15, attributes: a =>
        {
            a.SetInt("start", 1);
            a.SetInt("end", -1);
        })[0];
        Assert.Equal(new long[] { 3, 4 }, y.AsSpan<long>().ToArray());
    }
}

using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Edge.Runtime.Tests.Conformance;
using Edge.Runtime.Validation;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

public sealed class ConstantOfShapeOperatorTests
{
    /// <summary>ConstantOfShape has one definition from opset 9 to 19 (20 and 21 only add types), so its opset-9 node tests hold at 13.</summary>
    [Theory]
    [InlineData("test_constantofshape_float_ones")]
    [InlineData("test_constantofshape_int_zeros")]
    [InlineData("test_constantofshape_int_shape_zero")]
    public void OfficialNodeTestPassesAtOpset13(string testName)
    {
        string folder = Path.Combine(OnnxNodeTestCatalog.Root, testName);
        var model = OnnxModelReader.ReadModel(Path.Combine(folder, "model.onnx"));
        foreach (var import in model.OpsetImport)
            if (GraphImporter.NormalizeDomain(import.Domain).Length == 0)
                import.Version = 13;
        foreach (string dataSet in ModelTestRunner.DataSets(folder))
        {
            var graph = GraphImporter.Import(model);
            var shape = ModelTestRunner.ReadTensors(dataSet, "input").Single().Value;
            graph.Initializers[graph.Inputs[0].Name] = shape;
            graph.Inputs.Clear();
            var outputs = new InferenceSession(graph).Run(new Dictionary<string, Tensor>());
            var expected = ModelTestRunner.ReadTensors(dataSet, "output").Single().Value;
            var comparison = TensorComparison.Compare("output", expected, outputs[graph.Outputs[0].Name], Tolerance.OnnxDefault);
            Assert.True(comparison.Matches, comparison.Problem);
        }
    }

    [Fact]
    public void DefaultValueIsFloatZero()
    {
        var y = Run("ConstantOfShape", [Const(Ints(2, 3))])[0];
        Assert.Equal(DataType.Float32, y.Type);
        Assert.Equal(new float[6], y.AsSpan<float>().ToArray());
    }

    [Fact]
    public void FillsWithTheValueAttributeOfAnyType()
    {
        var y = Run("ConstantOfShape", [Const(Ints(3))], attributes: a => a.Set("value", new AttributeValue(AttributeKind.Tensor, Tensor: Tensor.FromArray(new TensorShape(1), new long[] { -5 }))))[0];
        Assert.Equal(new long[] { -5, -5, -5 }, y.AsSpan<long>().ToArray());
    }

    [Fact]
    public void ShapeComputedAtRunTimeIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Run("ConstantOfShape", [Fed(Ints(2, 3))]));
        Assert.Contains("node 'n' (ConstantOfShape", e.Message);
        Assert.Contains("must be known when the session is planned", e.Message);
    }
}

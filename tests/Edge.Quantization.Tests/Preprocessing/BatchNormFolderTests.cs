using Edge.Onnx;
using Edge.Quantization.Graph;
using Edge.Quantization.Preprocessing;

namespace Edge.Quantization.Tests.Preprocessing;

public sealed class BatchNormFolderTests
{
    [Fact]
    public void FoldedTeacherComputesTheSameLogits()
    {
        var data = FixtureData.Get("teacher_cnn");
        var original = OnnxModelReader.ReadModel(data.ModelPath);
        var folded = original.Clone();
        var graph = new GraphEditor(folded);

        var names = BatchNormFolder.Fold(graph);

        Assert.Equal(["/bn1/BatchNormalization", "/bn2/BatchNormalization", "/bn3/BatchNormalization"], names);
        Assert.DoesNotContain(folded.Graph.Node, n => n.OpType == "BatchNormalization");
        // The Conv took over the BatchNormalization's output name.
        Assert.Equal("Conv", folded.Graph.Node.Single(n => n.Output.Contains("/bn1/BatchNormalization_output_0")).OpType);
        var expected = ModelRunner.RunOrt(original, data.InputName, data.TestInputs);
        var actual = ModelRunner.RunOrt(folded, data.InputName, data.TestInputs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Abs(expected[i]) + 1e-4, $"element {i}: {actual[i]} vs {expected[i]}");
    }
}

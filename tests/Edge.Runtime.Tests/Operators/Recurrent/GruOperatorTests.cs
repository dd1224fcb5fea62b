using Edge.Runtime.Graphs;

namespace Edge.Runtime.Tests.Operators.Recurrent;

public sealed class GruOperatorTests
{
    public static TheoryData<string, int, bool, bool> Configurations()
    {
        var data = new TheoryData<string, int, bool, bool>();
        foreach (string direction in new[] { "forward", "reverse", "bidirectional" })
            foreach (int layout in new[] { 0, 1 })
                foreach (bool linearBeforeReset in new[] { false, true })
                    foreach (bool constant in new[] { true, false })
                        data.Add(direction, layout, linearBeforeReset, constant);
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void MatchesReferenceWithSequenceLensAndInitialState(string direction, int layout, bool linearBeforeReset, bool constantWeights)
    {
        // Batch 5 exercises the 4-row matmul block and its tail; hidden 7 (gate width 21) the column tails.
        var c = RecurrentCase.Random(3, seed: 21, sequenceLength: 6, batch: 5, inputSize: 9, hiddenSize: 7, direction, layout, withOptionalInputs: true) with
        {
            LinearBeforeReset = linearBeforeReset,
        };
        Assert.Contains(c.SequenceLens!, l => l < c.SequenceLength);

        var outputs = RecurrentTestGraph.Run("GRU", c, constantWeights, ["Y", "Y_h"]);

        var (y, yh) = RecurrentReference.Gru(c);
        RecurrentTestGraph.AssertClose(y, outputs["Y"], "Y");
        RecurrentTestGraph.AssertClose(yh, outputs["Y_h"], "Y_h");
    }

    [Fact]
    public void WideHiddenStateWithoutOptionalInputsMatchesReference()
    {
        var c = RecurrentCase.Random(3, seed: 4, sequenceLength: 4, batch: 2, inputSize: 16, hiddenSize: 40, "bidirectional", 1, withOptionalInputs: false);

        var outputs = RecurrentTestGraph.Run("GRU", c, constantWeights: true, ["Y", "Y_h"]);

        var (y, yh) = RecurrentReference.Gru(c);
        RecurrentTestGraph.AssertClose(y, outputs["Y"], "Y");
        RecurrentTestGraph.AssertClose(yh, outputs["Y_h"], "Y_h");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ClipAndOtherActivationsMatchReference(bool linearBeforeReset)
    {
        var c = RecurrentCase.Random(3, seed: 6, sequenceLength: 5, batch: 3, inputSize: 4, hiddenSize: 10, "bidirectional", 0, withOptionalInputs: true) with
        {
            Clip = 0.5f,
            LinearBeforeReset = linearBeforeReset,
            Activations = [("HardSigmoid", 0.25f, 0.45f), ("Relu", 0, 0), ("Sigmoid", 0, 0), ("Elu", 0.8f, 0)],
        };

        var outputs = RecurrentTestGraph.Run("GRU", c, constantWeights: false, ["Y", "Y_h"]);

        var (y, yh) = RecurrentReference.Gru(c);
        RecurrentTestGraph.AssertClose(y, outputs["Y"], "Y");
        RecurrentTestGraph.AssertClose(yh, outputs["Y_h"], "Y_h");
    }

    [Fact]
    public void OnlyYhRequestedMatchesReference()
    {
        var c = RecurrentCase.Random(3, seed: 9, sequenceLength: 7, batch: 1, inputSize: 3, hiddenSize: 5, "reverse", 0, withOptionalInputs: true);

        var outputs = RecurrentTestGraph.Run("GRU", c, constantWeights: true, ["Y_h"]);

        Assert.False(outputs.ContainsKey("Y"));
        RecurrentTestGraph.AssertClose(RecurrentReference.Gru(c).Yh, outputs["Y_h"], "Y_h");
    }

    [Fact]
    public void UnsupportedActivationFailsNamingTheNode()
    {
        var c = RecurrentCase.Random(3, seed: 1, sequenceLength: 2, batch: 1, inputSize: 2, hiddenSize: 3, "forward", 0, withOptionalInputs: false) with
        {
            Activations = [("Sigmoid", 0, 0), ("Swish", 0, 0)],
        };

        var error = Assert.Throws<ModelException>(() => RecurrentTestGraph.Run("GRU", c, constantWeights: true, ["Y_h"]));

        Assert.Contains(RecurrentTestGraph.NodeName, error.Message);
        Assert.Contains("Swish", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WrongWeightShapeFailsNamingTheNode(bool constantWeights)
    {
        var good = RecurrentCase.Random(3, seed: 1, sequenceLength: 2, batch: 1, inputSize: 3, hiddenSize: 3, "forward", 0, withOptionalInputs: false);
        // W built for input_size 2 while X has input_size 3.
        var c = good with { W = good.W[..(3 * 3 * 2)], WShape = [1, 9, 2] };

        var error = Assert.Throws<ModelException>(() => RecurrentTestGraph.Run("GRU", c, constantWeights, ["Y_h"]));

        Assert.Contains(RecurrentTestGraph.NodeName, error.Message);
        Assert.Contains("input 1 (W)", error.Message);
    }

    [Fact]
    public void WrongLayoutValueFailsNamingTheNode()
    {
        var c = RecurrentCase.Random(3, seed: 1, sequenceLength: 2, batch: 1, inputSize: 2, hiddenSize: 3, "forward", 0, withOptionalInputs: false);

        var error = Assert.Throws<ModelException>(() => RecurrentTestGraph.Run("GRU", c, constantWeights: true, ["Y_h"], tweak: a => a.Set("layout", new AttributeValue(AttributeKind.Int, Int: 2))));

        Assert.Contains(RecurrentTestGraph.NodeName, error.Message);
        Assert.Contains("layout", error.Message);
    }
}

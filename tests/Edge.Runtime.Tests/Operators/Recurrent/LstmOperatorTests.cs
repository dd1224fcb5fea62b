using Edge.Runtime.Graphs;

namespace Edge.Runtime.Tests.Operators.Recurrent;

public sealed class LstmOperatorTests
{
    public static TheoryData<string, int, bool> Configurations()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (string direction in new[] { "forward", "reverse", "bidirectional" })
            foreach (int layout in new[] { 0, 1 })
                foreach (bool constant in new[] { true, false })
                    data.Add(direction, layout, constant);
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void MatchesReferenceWithSequenceLensInitialStatesAndPeepholes(string direction, int layout, bool constantWeights)
    {
        // Batch 6 exercises the 4-row matmul block and its tail; hidden 11 (gate width 44) the vector and scalar column tails.
        var c = RecurrentCase.Random(4, seed: 11, sequenceLength: 5, batch: 6, inputSize: 7, hiddenSize: 11, direction, layout, withOptionalInputs: true);
        Assert.Contains(0, c.SequenceLens!);
        Assert.Contains(c.SequenceLens!, l => l > 0 && l < c.SequenceLength);

        var outputs = RecurrentTestGraph.Run("LSTM", c, constantWeights, ["Y", "Y_h", "Y_c"]);

        var (y, yh, yc) = RecurrentReference.Lstm(c);
        RecurrentTestGraph.AssertClose(y, outputs["Y"], "Y");
        RecurrentTestGraph.AssertClose(yh, outputs["Y_h"], "Y_h");
        RecurrentTestGraph.AssertClose(yc, outputs["Y_c"], "Y_c");
    }

    [Fact]
    public void OutputsPastEachSequenceLengthAreZero()
    {
        var c = RecurrentCase.Random(4, seed: 3, sequenceLength: 6, batch: 3, inputSize: 4, hiddenSize: 8, "bidirectional", 0, withOptionalInputs: true) with { SequenceLens = [6, 2, 0] };

        var y = RecurrentTestGraph.Run("LSTM", c, constantWeights: true, ["Y"])["Y"].AsSpan<float>();

        int H = c.HiddenSize;
        for (int t = 0; t < c.SequenceLength; t++)
            for (int d = 0; d < 2; d++)
                for (int n = 0; n < c.Batch; n++)
                {
                    var row = y.Slice(((t * 2 + d) * c.Batch + n) * H, H);
                    bool beyond = t >= c.SequenceLens![n];
                    Assert.Equal(beyond, row.IndexOfAnyExcept(0f) < 0);
                }
    }

    [Fact]
    public void ClipInputForgetAndOtherActivationsMatchReference()
    {
        var c = RecurrentCase.Random(4, seed: 5, sequenceLength: 4, batch: 2, inputSize: 3, hiddenSize: 9, "bidirectional", 0, withOptionalInputs: true) with
        {
            Clip = 0.7f,
            InputForget = true,
            Activations =
            [
                ("HardSigmoid", 0.3f, 0.4f), ("Relu", 0, 0), ("ScaledTanh", 0.9f, 1.1f),
                ("Sigmoid", 0, 0), ("LeakyRelu", 0.05f, 0), ("Softsign", 0, 0),
            ],
        };

        var outputs = RecurrentTestGraph.Run("LSTM", c, constantWeights: true, ["Y", "Y_h", "Y_c"]);

        var (y, yh, yc) = RecurrentReference.Lstm(c);
        RecurrentTestGraph.AssertClose(y, outputs["Y"], "Y");
        RecurrentTestGraph.AssertClose(yh, outputs["Y_h"], "Y_h");
        RecurrentTestGraph.AssertClose(yc, outputs["Y_c"], "Y_c");
    }

    [Fact]
    public void Opset13WithoutLayoutMatchesReference()
    {
        var c = RecurrentCase.Random(4, seed: 8, sequenceLength: 3, batch: 1, inputSize: 5, hiddenSize: 32, "forward", 0, withOptionalInputs: false);

        var outputs = RecurrentTestGraph.Run("LSTM", c, constantWeights: false, ["Y_h"], opset: 13);

        RecurrentTestGraph.AssertClose(RecurrentReference.Lstm(c).Yh, outputs["Y_h"], "Y_h");
    }

    [Fact]
    public void UnsupportedActivationFailsNamingTheNode()
    {
        var c = RecurrentCase.Random(4, seed: 1, sequenceLength: 2, batch: 1, inputSize: 2, hiddenSize: 3, "forward", 0, withOptionalInputs: false) with
        {
            Activations = [("Sigmoid", 0, 0), ("Softplus", 0, 0), ("Tanh", 0, 0)],
        };

        var error = Assert.Throws<ModelException>(() => RecurrentTestGraph.Run("LSTM", c, constantWeights: true, ["Y_h"]));

        Assert.Contains(RecurrentTestGraph.NodeName, error.Message);
        Assert.Contains("Softplus", error.Message);
    }

    [Fact]
    public void WrongActivationCountFailsNamingTheNode()
    {
        var c = RecurrentCase.Random(4, seed: 1, sequenceLength: 2, batch: 1, inputSize: 2, hiddenSize: 3, "forward", 0, withOptionalInputs: false) with
        {
            Activations = [("Sigmoid", 0, 0), ("Tanh", 0, 0)],
        };

        var error = Assert.Throws<ModelException>(() => RecurrentTestGraph.Run("LSTM", c, constantWeights: true, ["Y_h"]));

        Assert.Contains(RecurrentTestGraph.NodeName, error.Message);
        Assert.Contains("activations", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WrongWeightShapeFailsNamingTheNode(bool constantWeights)
    {
        var c = RecurrentCase.Random(4, seed: 1, sequenceLength: 2, batch: 1, inputSize: 2, hiddenSize: 3, "forward", 0, withOptionalInputs: false);
        // Weights for hidden_size 3 but the attribute says 4.
        var error = Assert.Throws<ModelException>(() => RecurrentTestGraph.Run("LSTM", c, constantWeights, ["Y_h"], tweak: a => a.Set("hidden_size", new AttributeValue(AttributeKind.Int, Int: 4))));

        Assert.Contains(RecurrentTestGraph.NodeName, error.Message);
        Assert.Contains("input 1 (W)", error.Message);
    }

    [Fact]
    public void UnknownDirectionFailsNamingTheNode()
    {
        var c = RecurrentCase.Random(4, seed: 1, sequenceLength: 2, batch: 1, inputSize: 2, hiddenSize: 3, "forward", 0, withOptionalInputs: false) with { Direction = "sideways" };

        var error = Assert.Throws<ModelException>(() => RecurrentTestGraph.Run("LSTM", c, constantWeights: true, ["Y_h"]));

        Assert.Contains(RecurrentTestGraph.NodeName, error.Message);
        Assert.Contains("direction", error.Message);
    }

    [Fact]
    public void SequenceLengthBeyondTheInputFailsNamingTheNode()
    {
        var c = RecurrentCase.Random(4, seed: 1, sequenceLength: 2, batch: 2, inputSize: 2, hiddenSize: 3, "forward", 0, withOptionalInputs: true) with { SequenceLens = [2, 3] };

        var error = Assert.Throws<ModelException>(() => RecurrentTestGraph.Run("LSTM", c, constantWeights: true, ["Y_h"]));

        Assert.Contains(RecurrentTestGraph.NodeName, error.Message);
        Assert.Contains("sequence_lens[1]", error.Message);
    }
}

namespace Edge.Runtime.Tests.Operators.Recurrent;

/// <summary>
/// Anchors the semantics the spec leaves open to ONNX Runtime's: reverse runs over each sequence's own valid
/// prefix, an empty sequence ends with zero states, clip bounds gate inputs only, alpha/beta go to the functions
/// that take them. (ONNX Runtime's CPU kernels reject layout = 1, so these cases use layout 0.)
/// </summary>
public sealed class RecurrentOrtParityTests
{
    public static TheoryData<string, string, int> Cases() => new()
    {
        { "LSTM", "reverse", 0 },
        { "LSTM", "bidirectional", 1 },
        { "LSTM", "bidirectional", 2 },
        { "GRU", "reverse", 0 },
        { "GRU", "bidirectional", 1 },
        { "GRU", "bidirectional", 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxRuntime(string opType, string direction, int variant)
    {
        bool lstm = opType == "LSTM";
        var c = RecurrentCase.Random(lstm ? 4 : 3, seed: 40 + variant, sequenceLength: 5, batch: 4, inputSize: 6, hiddenSize: 9, direction, 0, withOptionalInputs: true) with
        {
            SequenceLens = [5, 0, 2, 4],
            Clip = variant == 1 ? 0.6f : null,
            InputForget = lstm && variant == 1,
            LinearBeforeReset = !lstm && variant == 2,
            Activations = variant != 2 ? null : lstm
                ? [("HardSigmoid", 0.3f, 0.4f), ("Relu", 0, 0), ("ScaledTanh", 0.9f, 1.1f), ("Sigmoid", 0, 0), ("Affine", 0.7f, 0.1f), ("Elu", 0.8f, 0)]
                : [("HardSigmoid", 0.25f, 0.45f), ("LeakyRelu", 0.1f, 0), ("Sigmoid", 0, 0), ("Softsign", 0, 0)],
        };
        string[] outputs = lstm ? ["Y", "Y_h", "Y_c"] : ["Y", "Y_h"];

        var expected = RecurrentTestGraph.RunOrt(opType, c, outputs);
        var actual = RecurrentTestGraph.Run(opType, c, constantWeights: true, outputs);

        foreach (string output in outputs)
        {
            Assert.Equal(expected[output].Shape, actual[output].Shape);
            RecurrentTestGraph.AssertClose(expected[output].ToDoubleArray(), actual[output], output);
        }
    }

    [Theory]
    [InlineData("forward", 0)]
    [InlineData("reverse", 1)]
    [InlineData("bidirectional", 2)]
    public void LstmRowsSplitAcrossThreadsEqualOneThreadBitForBit(string direction, int variant)
    {
        // Big enough for the split (16 rows × 12 steps × 4·40 gates × 48): ragged sequence_lens, peepholes, clip.
        var c = RecurrentCase.Random(4, seed: 70 + variant, sequenceLength: 12, batch: 17, inputSize: 8, hiddenSize: 40, direction, 0, withOptionalInputs: true) with
        {
            Clip = variant == 1 ? 0.8f : null,
        };
        string[] outputs = ["Y", "Y_h", "Y_c"];
        var one = RecurrentTestGraph.Run("LSTM", c, constantWeights: true, outputs);
        foreach (int threads in new[] { 2, 3 })
        {
            var split = RecurrentTestGraph.Run("LSTM", c, constantWeights: true, outputs, threads: threads);
            foreach (string output in outputs)
                Assert.True(one[output].AsSpan<float>().SequenceEqual(split[output].AsSpan<float>()), $"{output} on {threads} threads differs from one thread");
        }
    }
}

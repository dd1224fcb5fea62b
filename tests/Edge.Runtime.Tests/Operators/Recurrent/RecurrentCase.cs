namespace Edge.Runtime.Tests.Operators.Recurrent;

/// <summary>
/// One LSTM or GRU configuration with its input data, shared by the test graphs and the double-precision
/// reference. Arrays are in ONNX layout; optional inputs are null when omitted.
/// </summary>
internal sealed record RecurrentCase
{
    public required int SequenceLength { get; init; }

    public required int Batch { get; init; }

    public required int InputSize { get; init; }

    public required int HiddenSize { get; init; }

    public string Direction { get; init; } = "forward";

    public int Layout { get; init; }

    public int Directions => Direction == "bidirectional" ? 2 : 1;

    public required float[] X { get; init; }

    public required float[] W { get; init; }

    public required float[] R { get; init; }

    public float[]? B { get; init; }

    /// <summary>W's shape when a test wants it wrong; null for the consistent [directions, gates × hidden, input].</summary>
    public int[]? WShape { get; init; }

    public int[]? SequenceLens { get; init; }

    public float[]? InitialH { get; init; }

    public float[]? InitialC { get; init; }

    public float[]? P { get; init; }

    /// <summary>Per-direction activations with explicit alpha/beta; null for the op's defaults.</summary>
    public (string Name, float Alpha, float Beta)[]? Activations { get; init; }

    public float? Clip { get; init; }

    public bool InputForget { get; init; }

    public bool LinearBeforeReset { get; init; }

    /// <summary>A case with random data (fixed seed); <paramref name="gates"/> is 4 for LSTM, 3 for GRU.</summary>
    public static RecurrentCase Random(int gates, int seed, int sequenceLength, int batch, int inputSize, int hiddenSize, string direction, int layout, bool withOptionalInputs)
    {
        var random = new Random(seed);
        int directions = direction == "bidirectional" ? 2 : 1;
        float[] Values(int count, double scale) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        var lens = Enumerable.Range(0, batch).Select(n => n == 0 ? sequenceLength : random.Next(0, sequenceLength + 1)).ToArray();
        return new RecurrentCase
        {
            SequenceLength = sequenceLength,
            Batch = batch,
            InputSize = inputSize,
            HiddenSize = hiddenSize,
            Direction = direction,
            Layout = layout,
            X = Values(sequenceLength * batch * inputSize, 1.5),
            W = Values(directions * gates * hiddenSize * inputSize, 0.6),
            R = Values(directions * gates * hiddenSize * hiddenSize, 0.6),
            B = withOptionalInputs ? Values(directions * 2 * gates * hiddenSize, 0.5) : null,
            SequenceLens = withOptionalInputs ? lens : null,
            InitialH = withOptionalInputs ? Values(directions * batch * hiddenSize, 0.8) : null,
            InitialC = withOptionalInputs && gates == 4 ? Values(directions * batch * hiddenSize, 0.8) : null,
            P = withOptionalInputs && gates == 4 ? Values(directions * 3 * hiddenSize, 0.5) : null,
        };
    }
}

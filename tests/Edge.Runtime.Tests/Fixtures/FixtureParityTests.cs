using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Ort = Microsoft.ML.OnnxRuntime;

namespace Edge.Runtime.Tests.Fixtures;

/// <summary>
/// Edge against ONNX Runtime on the PyTorch fixtures (teacher, KD student, QAT, PTQ, dynamic MLP and
/// Transformer, LSTM, GRU, ViT): same outputs within the tolerances and the same accuracy.
/// </summary>
public sealed class FixtureParityTests
{
    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var fixture in FixtureModel.All())
            data.Add(fixture.Name);
        return data;
    }

    [Fact]
    public void FixturesArePresent() => Assert.True(FixtureModel.All().Count >= 10, $"expected the PyTorch fixtures under {RepositoryPaths.Fixtures}");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EdgeMatchesOnnxRuntimeOnTheTestSplit(string name)
    {
        var fixture = FixtureModel.Load(Path.Combine(RepositoryPaths.Fixtures, name));
        var inputs = fixture.TestInputs();
        var labels = fixture.TestLabels();

        var edge = InferenceSession.Load(fixture.ModelPath).Run(new Dictionary<string, Tensor> { [fixture.InputName] = inputs })[fixture.OutputName];
        var expected = RunOrt(fixture.ModelPath, fixture.InputName, inputs, fixture.OutputName);
        Assert.Equal(expected.Shape, edge.Shape);

        var e = expected.AsSpan<float>();
        var a = edge.AsSpan<float>();
        double allowed = fixture.IsQdq ? OutputQuantizationStep(fixture.ModelPath, fixture.OutputName) * 1.001 : 0;
        int classes = expected.Shape[expected.Shape.Rank - 1];
        for (int i = 0; i < e.Length; i++)
        {
            double diff = Math.Abs(a[i] - e[i]);
            double limit = fixture.IsQdq ? allowed + 1e-6 : 1e-4 * Math.Abs(e[i]) + 1e-5;
            Assert.True(diff <= limit, $"{name}: element {i} (sample {i / classes}) is {a[i]}, ORT gives {e[i]} (|diff| {diff:G4} > {limit:G4})");
        }

        var edgeArgmax = Argmax(a, classes);
        var ortArgmax = Argmax(e, classes);
        Assert.Equal(ortArgmax, edgeArgmax);
        int edgeCorrect = edgeArgmax.Where((c, i) => c == labels[i]).Count();
        int ortCorrect = ortArgmax.Where((c, i) => c == labels[i]).Count();
        Assert.Equal(ortCorrect, edgeCorrect);
    }

    internal static Tensor RunOrt(string modelPath, string inputName, Tensor input, string outputName)
    {
        using var options = new Ort.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Ort.InferenceSession(modelPath, options);
        using var value = Ort.OrtValue.CreateTensorValueFromMemory(input.AsSpan<float>().ToArray(), input.Shape.Dims.ToArray().Select(d => (long)d).ToArray());
        using var results = session.Run(new Ort.RunOptions(), new Dictionary<string, Ort.OrtValue> { [inputName] = value }, [outputName]);
        var output = results[0];
        var shape = output.GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray();
        return Tensor.FromArray<float>(new TensorShape(shape), output.GetTensorDataAsSpan<float>());
    }

    private static int[] Argmax(ReadOnlySpan<float> values, int classes)
    {
        var result = new int[values.Length / classes];
        for (int r = 0; r < result.Length; r++)
        {
            var row = values.Slice(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (row[c] > row[best])
                    best = c;
            result[r] = best;
        }
        return result;
    }

    /// <summary>The scale of the DequantizeLinear that produces the output: one step of the output's quantization.</summary>
    private static double OutputQuantizationStep(string modelPath, string outputName)
    {
        var graph = Graphs.GraphImporter.Import(OnnxModelReader.ReadModel(modelPath));
        string value = outputName;
        // Walk back through ops that do not change the quantization (Reshape, Flatten, Identity).
        for (int hops = 0; hops < 8; hops++)
        {
            var producer = graph.Nodes.First(n => n.Outputs.Contains(value));
            if (producer.OpType == "DequantizeLinear")
                return graph.Initializers[producer.Input(1)].AsSpan<float>()[0];
            value = producer.Input(0);
        }
        throw new InvalidOperationException($"{modelPath}: no DequantizeLinear produces '{outputName}'");
    }
}

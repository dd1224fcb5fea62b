using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Tests.Operators.Recurrent;

/// <summary>Builds and runs a one-node LSTM or GRU graph for a <see cref="RecurrentCase"/>.</summary>
internal static class RecurrentTestGraph
{
    public const string NodeName = "rnn_under_test";

    /// <summary>
    /// Runs the node and returns its outputs (Y, Y_h, Y_c as requested). With <paramref name="constantWeights"/>
    /// W, R, B and P are initializers (packed at plan time); otherwise every input is a graph input.
    /// </summary>
    public static Dictionary<string, Tensor> Run(string opType, RecurrentCase c, bool constantWeights, string[] outputs, int opset = 14, Action<NodeAttributes>? tweak = null)
    {
        var session = CreateSession(opType, c, constantWeights, outputs, opset, tweak, out var feeds);
        return session.Run(feeds);
    }

    public static InferenceSession CreateSession(string opType, RecurrentCase c, bool constantWeights, string[] outputs, int opset, Action<NodeAttributes>? tweak, out Dictionary<string, Tensor> feeds)
    {
        int gates = opType == "LSTM" ? 4 : 3;
        int D = c.Directions, H = c.HiddenSize;
        int[] state = c.Layout == 0 ? [D, c.Batch, H] : [c.Batch, D, H];
        var inputs = new List<(string Name, Tensor? Value, bool Constant)>
        {
            ("X", Tensor.FromArray<float>(new TensorShape(c.Layout == 0 ? new[] { c.SequenceLength, c.Batch, c.InputSize } : [c.Batch, c.SequenceLength, c.InputSize]), c.X), false),
            ("W", Tensor.FromArray<float>(new TensorShape(c.WShape ?? [D, gates * H, c.InputSize]), c.W), constantWeights),
            ("R", Tensor.FromArray<float>(new TensorShape(D, gates * H, H), c.R), constantWeights),
            ("B", c.B is null ? null : Tensor.FromArray<float>(new TensorShape(D, 2 * gates * H), c.B), constantWeights),
            ("sequence_lens", c.SequenceLens is null ? null : Tensor.FromArray<int>(new TensorShape(c.Batch), c.SequenceLens), false),
            ("initial_h", c.InitialH is null ? null : Tensor.FromArray<float>(new TensorShape(state), c.InitialH), false),
        };
        if (gates == 4)
        {
            inputs.Add(("initial_c", c.InitialC is null ? null : Tensor.FromArray<float>(new TensorShape(state), c.InitialC), false));
            inputs.Add(("P", c.P is null ? null : Tensor.FromArray<float>(new TensorShape(D, 3 * H), c.P), constantWeights));
        }
        while (inputs[^1].Value is null)
            inputs.RemoveAt(inputs.Count - 1);

        var attributes = new NodeAttributes();
        attributes.Set("hidden_size", new AttributeValue(AttributeKind.Int, Int: H));
        attributes.Set("direction", new AttributeValue(AttributeKind.String, String: c.Direction));
        if (opset >= 14)
            attributes.Set("layout", new AttributeValue(AttributeKind.Int, Int: c.Layout));
        if (c.Clip is { } clip)
            attributes.Set("clip", new AttributeValue(AttributeKind.Float, Float: clip));
        if (c.InputForget)
            attributes.Set("input_forget", new AttributeValue(AttributeKind.Int, Int: 1));
        if (c.LinearBeforeReset)
            attributes.Set("linear_before_reset", new AttributeValue(AttributeKind.Int, Int: 1));
        if (c.Activations is { } activations)
        {
            attributes.Set("activations", new AttributeValue(AttributeKind.Strings, Strings: activations.Select(a => a.Name).ToArray()));
            // As ONNX Runtime reads them: alpha and beta listed only for the functions that take one.
            string[] takeAlpha = ["Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu"];
            string[] takeBeta = ["Affine", "ScaledTanh", "HardSigmoid"];
            var alphas = activations.Where(a => takeAlpha.Contains(a.Name)).Select(a => a.Alpha).ToArray();
            var betas = activations.Where(a => takeBeta.Contains(a.Name)).Select(a => a.Beta).ToArray();
            if (alphas.Length > 0)
                attributes.Set("activation_alpha", new AttributeValue(AttributeKind.Floats, Floats: alphas));
            if (betas.Length > 0)
                attributes.Set("activation_beta", new AttributeValue(AttributeKind.Floats, Floats: betas));
        }
        tweak?.Invoke(attributes);

        string[] outputNames = ["Y", "Y_h", "Y_c"];
        var nodeOutputs = outputNames.Take(gates == 4 ? 3 : 2).Select(o => outputs.Contains(o) ? o : "").ToList();
        while (nodeOutputs.Count > 0 && nodeOutputs[^1].Length == 0)
            nodeOutputs.RemoveAt(nodeOutputs.Count - 1);

        var graph = new Graph { Name = "recurrent_test" };
        graph.OpsetImports[""] = opset;
        graph.Nodes.Add(new Node(NodeName, opType, "", inputs.Select(i => i.Value is null ? "" : i.Name), nodeOutputs, attributes, opset));
        feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value, constant) in inputs)
        {
            if (value is null)
                continue;
            if (constant)
            {
                graph.Initializers[name] = value;
            }
            else
            {
                graph.Inputs.Add(new ValueInfo(name, value.Type, value.Shape.ToArray().Select(d => (int?)d).ToArray()));
                feeds[name] = value;
            }
        }
        foreach (string output in nodeOutputs.Where(o => o.Length > 0))
            graph.Outputs.Add(new ValueInfo(output, DataType.Float32, null));
        return new InferenceSession(graph);
    }

    /// <summary>Asserts |actual − expected| ≤ 1e-5 + 1e-4·|expected| element-wise.</summary>
    public static void AssertClose(double[] expected, Tensor actual, string what)
    {
        var values = actual.ToDoubleArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-5 + 1e-4 * Math.Abs(expected[i]);
            Assert.True(Math.Abs(values[i] - expected[i]) <= tolerance, $"{what}[{i}] is {values[i]:G9}, expected {expected[i]:G9}");
        }
    }
}

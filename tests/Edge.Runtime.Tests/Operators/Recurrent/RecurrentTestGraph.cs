using Edge.Onnx.Protos;
using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using EdgeSession = Edge.Runtime.Sessions.InferenceSession;
using OrtSession = Microsoft.ML.OnnxRuntime.InferenceSession;
using Tensor = Edge.Runtime.Tensors.Tensor;

namespace Edge.Runtime.Tests.Operators.Recurrent;

/// <summary>Builds a one-node LSTM or GRU ONNX model for a <see cref="RecurrentCase"/> and runs it in Edge or ONNX Runtime.</summary>
internal static class RecurrentTestGraph
{
    public const string NodeName = "rnn_under_test";

    /// <summary>
    /// Runs the node in Edge and returns the requested outputs (of Y, Y_h, Y_c). With <paramref name="constantWeights"/>
    /// W, R, B and P are initializers (packed at plan time); otherwise every input is a graph input.
    /// <paramref name="tweak"/> edits the imported node's attributes (to make them wrong).
    /// </summary>
    public static Dictionary<string, Tensor> Run(string opType, RecurrentCase c, bool constantWeights, string[] outputs, int opset = 14, Action<NodeAttributes>? tweak = null,
        int threads = 1)
    {
        var model = BuildModel(opType, c, constantWeights, outputs, opset, out var feeds);
        var graph = GraphImporter.Import(model);
        tweak?.Invoke(graph.Nodes.Single().Attributes);
        using var session = new EdgeSession(graph, new Edge.Runtime.Sessions.SessionOptions { Threads = threads });
        return session.Run(feeds);
    }

    /// <summary>Runs the same model in ONNX Runtime (one thread, no graph optimisations).</summary>
    public static Dictionary<string, Tensor> RunOrt(string opType, RecurrentCase c, string[] outputs, int opset = 14)
    {
        var model = BuildModel(opType, c, constantWeights: true, outputs, opset, out var feeds);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new OrtSession(model.ToByteArray(), options);
        var inputs = feeds.Select(f => f.Value.Type == DataType.Int32
            ? NamedOnnxValue.CreateFromTensor(f.Key, new DenseTensor<int>(f.Value.AsSpan<int>().ToArray(), f.Value.Shape.ToArray()))
            : NamedOnnxValue.CreateFromTensor(f.Key, new DenseTensor<float>(f.Value.AsSpan<float>().ToArray(), f.Value.Shape.ToArray()))).ToList();
        using var results = session.Run(inputs);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return Tensor.FromArray<float>(new TensorShape(t.Dimensions.ToArray()), t.ToArray());
        });
    }

    private static ModelProto BuildModel(string opType, RecurrentCase c, bool constantWeights, string[] outputs, int opset, out Dictionary<string, Tensor> feeds)
    {
        int gates = opType == "LSTM" ? 4 : 3;
        int D = c.Directions, H = c.HiddenSize;
        int[] state = c.Layout == 0 ? [D, c.Batch, H] : [c.Batch, D, H];
        int[] xShape = c.Layout == 0 ? [c.SequenceLength, c.Batch, c.InputSize] : [c.Batch, c.SequenceLength, c.InputSize];
        var inputs = new List<(string Name, Tensor? Value, bool Constant)>
        {
            ("X", Tensor.FromArray<float>(new TensorShape(xShape), c.X), false),
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

        var node = new NodeProto { Name = NodeName, OpType = opType };
        node.Input.Add(inputs.Select(i => i.Value is null ? "" : i.Name));
        string[] outputNames = ["Y", "Y_h", "Y_c"];
        var nodeOutputs = outputNames.Take(gates == 4 ? 3 : 2).Select(o => outputs.Contains(o) ? o : "").ToList();
        while (nodeOutputs[^1].Length == 0)
            nodeOutputs.RemoveAt(nodeOutputs.Count - 1);
        node.Output.Add(nodeOutputs);

        node.Attribute.Add(Int("hidden_size", H));
        node.Attribute.Add(new AttributeProto { Name = "direction", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(c.Direction) });
        if (opset >= 14)
            node.Attribute.Add(Int("layout", c.Layout));
        if (c.Clip is { } clip)
            node.Attribute.Add(new AttributeProto { Name = "clip", Type = AttributeProto.Types.AttributeType.Float, F = clip });
        if (c.InputForget)
            node.Attribute.Add(Int("input_forget", 1));
        if (c.LinearBeforeReset)
            node.Attribute.Add(Int("linear_before_reset", 1));
        if (c.Activations is { } activations)
        {
            var names = new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings };
            names.Strings.Add(activations.Select(a => ByteString.CopyFromUtf8(a.Name)));
            node.Attribute.Add(names);
            // As ONNX Runtime reads them: alpha and beta listed only for the functions that take one.
            string[] takeAlpha = ["Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu"];
            string[] takeBeta = ["Affine", "ScaledTanh", "HardSigmoid"];
            var alphas = activations.Where(a => takeAlpha.Contains(a.Name)).Select(a => a.Alpha).ToArray();
            var betas = activations.Where(a => takeBeta.Contains(a.Name)).Select(a => a.Beta).ToArray();
            if (alphas.Length > 0)
                node.Attribute.Add(Floats("activation_alpha", alphas));
            if (betas.Length > 0)
                node.Attribute.Add(Floats("activation_beta", betas));
        }

        var graph = new GraphProto { Name = "recurrent_test" };
        graph.Node.Add(node);
        feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value, constant) in inputs)
        {
            if (value is null)
                continue;
            if (constant)
            {
                graph.Initializer.Add(TensorProtoConverter.ToProto(value, name));
            }
            else
            {
                graph.Input.Add(ValueInfo(name, value.Type, value.Shape));
                feeds[name] = value;
            }
        }
        foreach (string output in nodeOutputs.Where(o => o.Length > 0))
            graph.Output.Add(ValueInfo(output, DataType.Float32, null));
        var model = new ModelProto { IrVersion = 8, ProducerName = "edge-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
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

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Floats(string name, float[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.Add(values);
        return attribute;
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, TensorShape? shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (shape is not null)
        {
            tensorType.Shape = new TensorShapeProto();
            foreach (int d in shape.Dims)
                tensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}

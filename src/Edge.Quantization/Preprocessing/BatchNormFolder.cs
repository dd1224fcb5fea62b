using Edge.Onnx.Protos;
using Edge.Quantization.Graph;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Preprocessing;

/// <summary>
/// Conv → BatchNormalization (inference form, constant parameters) ⇒ one Conv with scaled weights
/// and shifted bias, so the int8 Conv sees the weights it really applies. The Conv takes over the
/// BatchNormalization's output name.
/// </summary>
internal static class BatchNormFolder
{
    /// <returns>The names of the folded BatchNormalization nodes.</returns>
    public static List<string> Fold(GraphEditor graph)
    {
        var folded = new List<string>();
        foreach (var bn in graph.GraphProto.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (bn.Output.Count(o => o.Length > 0) != 1 || GraphEditor.GetInt(bn, "training_mode", 0) != 0)
                continue;
            var conv = graph.Producer(bn.Input[0]);
            if (conv is not { OpType: "Conv" } || graph.Consumers(conv.Output[0]).Count != 1 || graph.IsGraphOutput(conv.Output[0]))
                continue;
            var weights = graph.FloatInitializer(conv.Input[1]);
            var parameters = Enumerable.Range(1, 4).Select(i => graph.FloatInitializer(bn.Input[i])).ToArray();
            if (weights is null || parameters.Any(p => p is null))
                continue;
            int channels = weights.Shape[0];
            if (parameters.Any(p => p!.ElementCount != channels))
                continue;
            var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? graph.FloatInitializer(conv.Input[2]) : null;
            if (conv.Input.Count > 2 && conv.Input[2].Length > 0 && bias is null)
                continue;

            float epsilon = GraphEditor.GetFloat(bn, "epsilon", 1e-5f);
            var gamma = parameters[0]!.AsSpan<float>();
            var beta = parameters[1]!.AsSpan<float>();
            var mean = parameters[2]!.AsSpan<float>();
            var variance = parameters[3]!.AsSpan<float>();
            var newWeights = weights.Clone();
            var w = newWeights.AsSpan<float>();
            int perChannel = w.Length / channels;
            var newBias = Tensor.Allocate(DataType.Float32, new TensorShape(channels));
            var b = newBias.AsSpan<float>();
            for (int c = 0; c < channels; c++)
            {
                float factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                for (int i = 0; i < perChannel; i++)
                    w[c * perChannel + i] *= factor;
                float original = bias is null ? 0 : bias.AsSpan<float>()[c];
                b[c] = (original - mean[c]) * factor + beta[c];
            }
            string weightName = graph.AddInitializer(conv.Input[1] + "_bn_folded", newWeights);
            string biasName = graph.AddInitializer((bias is null ? conv.Name + "_bias" : conv.Input[2]) + "_bn_folded", newBias);
            conv.Input[1] = weightName;
            if (conv.Input.Count > 2) conv.Input[2] = biasName;
            else conv.Input.Add(biasName);
            conv.Output[0] = bn.Output[0];
            graph.GraphProto.Node.Remove(bn);
            folded.Add(bn.Name);
        }
        return folded;
    }
}

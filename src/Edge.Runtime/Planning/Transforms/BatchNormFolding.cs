using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>Conv → BatchNormalization (inference, constant statistics)  ⇒  Conv with scaled weights and shifted bias.</summary>
public sealed class BatchNormFolding : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var bn in graph.Nodes.Where(n => GraphPatterns.Is(n, "BatchNormalization")).ToList())
        {
            if (bn.Attributes.GetInt("training_mode", 0) != 0 || bn.Outputs.Skip(1).Any(o => o.Length > 0))
                continue;
            var conv = GraphPatterns.Producer(graph, bn.Input(0));
            if (!GraphPatterns.Is(conv, "Conv") || GraphPatterns.SoleConsumer(graph, conv!.Outputs[0]) != bn)
                continue;
            var w = GraphPatterns.Constant(graph, conv.Input(1));
            var b = conv.HasInput(2) ? GraphPatterns.Constant(graph, conv.Input(2)) : null;
            var stats = Enumerable.Range(1, 4).Select(i => GraphPatterns.Constant(graph, bn.Input(i))).ToArray();
            if (w is not { Type: DataType.Float32 } || (conv.HasInput(2) && b is null) || stats.Any(s => s is not { Type: DataType.Float32 }))
                continue;
            int channels = w.Shape[0];
            if (stats.Any(s => s!.ElementCount != channels))
                continue;

            float epsilon = bn.Attributes.GetFloat("epsilon", 1e-5f);
            var scale = stats[0]!.AsSpan<float>();
            var shift = stats[1]!.AsSpan<float>();
            var mean = stats[2]!.AsSpan<float>();
            var variance = stats[3]!.AsSpan<float>();
            var newW = w.Clone();
            var newB = Tensor.Allocate(DataType.Float32, new TensorShape(channels));
            var wv = newW.AsSpan<float>();
            var bv = newB.AsSpan<float>();
            int perChannel = w.ElementCount / channels;
            for (int c = 0; c < channels; c++)
            {
                float factor = scale[c] / MathF.Sqrt(variance[c] + epsilon);
                foreach (ref float v in wv.Slice(c * perChannel, perChannel))
                    v *= factor;
                float bias = b is null ? 0 : b.AsSpan<float>()[c];
                bv[c] = (bias - mean[c]) * factor + shift[c];
            }
            conv.Inputs[1] = GraphPatterns.AddInitializer(graph, conv.Input(1) + "_bn", newW);
            string biasName = GraphPatterns.AddInitializer(graph, conv.Name + "_bn_bias", newB);
            if (conv.Inputs.Count > 2) conv.Inputs[2] = biasName; else conv.Inputs.Add(biasName);
            conv.Outputs[0] = bn.Outputs[0];
            graph.Nodes.Remove(bn);
            changed = true;
        }
        if (changed)
            GraphPatterns.RemoveUnusedInitializers(graph);
        return changed;
    }
}

using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// Removes Casts to the type their input already has. PyTorch 1.13 puts a uint8→uint8 Cast after
/// every QuantizeLinear; without this the QDQ fusions would not see their Q→DQ pairs.
/// </summary>
public sealed class CastElimination : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var cast in graph.Nodes.Where(n => GraphPatterns.Is(n, "Cast")).ToList())
        {
            if (graph.IsGraphOutput(cast.Outputs[0]))
                continue;
            var target = DataTypes.FromOnnx((int)cast.Attributes.GetInt("to", 0));
            if (target is null || KnownType(graph, cast.Input(0)) != target)
                continue;
            foreach (var reader in graph.Nodes)
                for (int k = 0; k < reader.Inputs.Count; k++)
                    if (reader.Inputs[k] == cast.Outputs[0])
                        reader.Inputs[k] = cast.Inputs[0];
            graph.Nodes.Remove(cast);
            changed = true;
        }
        return changed;
    }

    private static DataType? KnownType(Graph graph, string value)
    {
        if (GraphPatterns.Constant(graph, value) is { } constant)
            return constant.Type;
        if (graph.Inputs.FirstOrDefault(i => i.Name == value) is { } input)
            return input.Type;
        var producer = GraphPatterns.Producer(graph, value);
        if (GraphPatterns.Is(producer, "QuantizeLinear") && producer!.Outputs[0] == value)
            return GraphPatterns.QuantizedType(graph, producer);
        if (GraphPatterns.Is(producer, "Cast"))
            return DataTypes.FromOnnx((int)producer!.Attributes.GetInt("to", 0));
        return null;
    }
}

using Edge.Quantization.Graph;

namespace Edge.Quantization.Preprocessing;

/// <summary>
/// Constant nodes holding a tensor (<c>value</c>) become initializers of the same name, so weights
/// that an exporter wrote as Constant nodes are found and quantized like any other.
/// </summary>
internal static class ConstantLifter
{
    public static int Lift(GraphEditor graph)
    {
        int lifted = 0;
        foreach (var node in graph.GraphProto.Node.Where(n => n.OpType == "Constant" && n.Domain is "" or "ai.onnx").ToList())
        {
            var value = node.Attribute.FirstOrDefault(a => a.Name == "value" && a.T is not null);
            if (value is null || node.Attribute.Count != 1 || node.Output.Count != 1 || graph.IsInitializer(node.Output[0]))
                continue;
            var tensor = value.T.Clone();
            tensor.Name = node.Output[0];
            graph.GraphProto.Initializer.Add(tensor);
            graph.GraphProto.Node.Remove(node);
            lifted++;
        }
        return lifted;
    }
}

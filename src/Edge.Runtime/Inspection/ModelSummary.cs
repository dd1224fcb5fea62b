using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Inspection;

/// <summary>What <c>edge inspect</c> reports about a model, computed from its imported (unoptimised) graph.</summary>
public sealed record ModelSummary(
    long FileBytes,
    string? Producer,
    Dictionary<string, int> Opsets,
    List<string> Inputs,
    List<string> Outputs,
    long Parameters,
    long ParameterBytes,
    int Initializers,
    int Nodes,
    Dictionary<string, int> OpCounts,
    List<LayerQuantization> Layers)
{
    private static readonly HashSet<string> FloatCompute = ["Conv", "MatMul", "Gemm", "LSTM", "GRU"];

    // Weight input index of each quantized operator, and the index of its weight scale.
    private static readonly Dictionary<string, (int Weight, int Scale)> QuantizedCompute = new()
    {
        ["QLinearConv"] = (3, 4),
        ["QLinearMatMul"] = (3, 4),
        ["QGemm"] = (3, 4),
        ["MatMulInteger"] = (1, -1),
        ["ConvInteger"] = (1, -1),
        ["DynamicQuantizeMatMul"] = (1, 2),
        ["MatMulIntegerToFloat"] = (1, 3),
    };

    public static ModelSummary Of(Graph graph, long fileBytes)
    {
        var producers = graph.MapProducers();
        var layers = new List<LayerQuantization>();
        foreach (var node in graph.Nodes)
        {
            if (QuantizedCompute.TryGetValue(node.OpType, out var q))
            {
                string granularity = Granularity(graph, node, q.Scale);
                bool dynamic = node.OpType is "DynamicQuantizeMatMul" or "MatMulIntegerToFloat"
                    || (producers.TryGetValue(node.Input(0), out var p) && p.OpType == "DynamicQuantizeLinear");
                layers.Add(new(node.Name, node.OpType, "int8", granularity, (dynamic ? "dynamic" : "static") + ", QOperator"));
            }
            else if (FloatCompute.Contains(node.OpType) && node.Domain.Length == 0)
            {
                bool qdqWeight = producers.TryGetValue(node.Input(1), out var w) && w.OpType == "DequantizeLinear";
                if (qdqWeight)
                {
                    bool qdqInput = producers.TryGetValue(node.Input(0), out var x) && x.OpType == "DequantizeLinear";
                    layers.Add(new(node.Name, node.OpType, "int8", Granularity(graph, w!, 1), qdqInput ? "static, QDQ" : "weight-only, QDQ"));
                }
                else
                {
                    layers.Add(new(node.Name, node.OpType, "float", "-", "-"));
                }
            }
        }
        return new ModelSummary(
            fileBytes,
            graph.Metadata.GetValueOrDefault("producer"),
            graph.OpsetImports.ToDictionary(kv => kv.Key.Length == 0 ? "ai.onnx" : kv.Key, kv => kv.Value),
            graph.Inputs.Select(i => $"{i.Name}: {i.Type.OnnxName()}{i.DescribeShape()}").ToList(),
            graph.Outputs.Select(o => $"{o.Name}: {o.Type.OnnxName()}{o.DescribeShape()}").ToList(),
            graph.Initializers.Values.Sum(t => (long)t.ElementCount),
            graph.Initializers.Values.Sum(t => (long)t.ByteLength),
            graph.Initializers.Count,
            graph.Nodes.Count,
            graph.Nodes.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            layers);
    }

    private static string Granularity(Graph graph, Node node, int scaleIndex)
    {
        if (scaleIndex < 0)
        {
            // MatMulInteger/ConvInteger carry no scale: a per-column zero point is the per-channel tell.
            return graph.Initializers.TryGetValue(node.Input(3), out var zp) && zp.ElementCount > 1 ? "per-channel" : "per-tensor";
        }
        return graph.Initializers.TryGetValue(node.Input(scaleIndex), out var scale) && scale.ElementCount > 1 ? "per-channel" : "per-tensor";
    }
}

using Edge.Runtime.Graphs;
using Edge.Runtime.Planning;
using Edge.Runtime.Tensors;
// Edge.Quantization.Graph is a namespace of the quantizer: the runtime's graph type goes by an alias here.
using RuntimeGraph = Edge.Runtime.Graphs.Graph;

namespace Edge.Quantization.Reporting;

/// <summary>An imported, topologically sorted graph with producer/consumer maps (Constant nodes are initializers after import).</summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, Node> _producers;
    private readonly Dictionary<string, List<Node>> _consumers;

    public GraphIndex(RuntimeGraph graph)
    {
        GraphSorter.Sort(graph);
        Graph = graph;
        _producers = graph.MapProducers();
        _consumers = graph.MapConsumers();
    }

    public RuntimeGraph Graph { get; }

    public Node? Producer(string value) => value.Length == 0 ? null : _producers.GetValueOrDefault(value);

    public Tensor? Constant(string value) => value.Length == 0 ? null : Graph.Initializers.GetValueOrDefault(value);

    /// <summary>The only reader of <paramref name="value"/> (of any op type), or null when it has none, several, or is a graph output.</summary>
    public Node? SoleConsumer(string value)
    {
        if (Graph.IsGraphOutput(value) || !_consumers.TryGetValue(value, out var readers) || readers.Count != 1)
            return null;
        return readers[0];
    }

    /// <summary>The sole reader when it is this ai.onnx op reading <paramref name="value"/> as its first input.</summary>
    public Node? SoleConsumer(string value, params string[] opTypes)
    {
        var next = SoleConsumer(value);
        return next is not null && next.Domain.Length == 0 && opTypes.Contains(next.OpType) ? next : null;
    }

    /// <summary>The other input of a two-input node (an Add's bias, a Mul's factor).</summary>
    public static string OtherInput(Node node, string value) => node.Input(0) == value ? node.Input(1) : node.Input(0);

    /// <summary>The declared or inferable element type of a value (enough for the tensors the report exposes).</summary>
    public DataType TypeOf(string value)
    {
        if (Constant(value) is { } constant)
            return constant.Type;
        if (Graph.Inputs.FirstOrDefault(i => i.Name == value) is { } input)
            return input.Type;
        var producer = Producer(value);
        if (producer is null)
            return DataType.Float32;
        return producer.OpType switch
        {
            "QuantizeLinear" => producer.HasInput(2) ? Constant(producer.Input(2))?.Type ?? DataType.UInt8 : DataType.UInt8,
            "QLinearConv" or "QLinearMatMul" or "QGemm" when producer.HasInput(producer.OpType == "QGemm" ? 8 : 7) =>
                Constant(producer.Input(producer.OpType == "QGemm" ? 8 : 7))?.Type ?? DataType.UInt8,
            "Cast" => DataTypes.FromOnnx((int)producer.Attributes.GetInt("to", 1)) ?? DataType.Float32,
            _ => DataType.Float32,
        };
    }
}

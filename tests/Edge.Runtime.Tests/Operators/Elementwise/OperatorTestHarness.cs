using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;
using Edge.Runtime.Planning;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Tests.Operators.Elementwise;

/// <summary>Runs one node through the real planner (inference, kernel creation, arena) for operator tests.</summary>
internal static class OperatorTestHarness
{
    /// <summary>
    /// Builds a one-node graph: <paramref name="inputs"/> are graph inputs unless listed in
    /// <paramref name="constants"/> (then initializers); returns the node's outputs.
    /// </summary>
    public static Tensor[] Run(string opType, int opset, Tensor?[] inputs, NodeAttributes? attributes = null, int outputs = 1, ISet<int>? constants = null)
    {
        var names = inputs.Select((t, i) => t is null ? "" : $"in{i}").ToArray();
        var outputNames = Enumerable.Range(0, outputs).Select(i => $"out{i}").ToArray();
        var node = new Node("node0", opType, "", names, outputNames, attributes, opset);
        var graph = new Graph();
        graph.Nodes.Add(node);
        graph.OpsetImports[""] = opset;
        var graphInputs = graph.Inputs;
        var initializers = graph.Initializers;
        var feeds = new List<Tensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } t)
                continue;
            if (constants?.Contains(i) == true)
            {
                initializers[names[i]] = t;
            }
            else
            {
                graphInputs.Add(new ValueInfo(names[i], t.Type, t.Shape.ToArray().Select(d => (int?)d).ToArray()));
                feeds.Add(t);
            }
        }
        graph.Outputs.AddRange(outputNames.Select(n => new ValueInfo(n, DataType.Undefined, null)));
        var session = new Edge.Runtime.Sessions.InferenceSession(graph);
        var result = new Tensor[outputs];
        session.Run(feeds.ToArray(), result);
        return result;
    }

    public static NodeAttributes Attributes(params (string Name, AttributeValue Value)[] values)
    {
        var attributes = new NodeAttributes();
        foreach (var (name, value) in values)
            attributes.Set(name, value);
        return attributes;
    }
}

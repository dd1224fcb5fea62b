namespace Edge.Runtime.Graphs;

/// <summary>One operator application in a <see cref="Graph"/>. Empty input names mark omitted optional inputs.</summary>
public sealed class Node
{
    public Node(string name, string opType, string domain, IEnumerable<string> inputs, IEnumerable<string> outputs, NodeAttributes? attributes = null, int opset = 0)
    {
        Name = name;
        OpType = opType;
        Domain = domain;
        Inputs = inputs.ToList();
        Outputs = outputs.ToList();
        Attributes = attributes ?? new NodeAttributes();
        Attributes.Owner = Describe;
        Opset = opset;
    }

    public string Name { get; set; }

    public string OpType { get; set; }

    /// <summary>"" for ai.onnx, "com.microsoft", …</summary>
    public string Domain { get; set; }

    /// <summary>The opset version of <see cref="Domain"/> the model imports.</summary>
    public int Opset { get; set; }

    public List<string> Inputs { get; }

    public List<string> Outputs { get; }

    public NodeAttributes Attributes { get; }

    /// <summary>The node's input name at <paramref name="index"/>, or "" when omitted.</summary>
    public string Input(int index) => index < Inputs.Count ? Inputs[index] : "";

    public bool HasInput(int index) => Input(index).Length > 0;

    /// <summary>"node 'conv1' (Conv, opset 13)": how every error names a node.</summary>
    public string Describe()
    {
        string domain = Domain.Length == 0 ? "" : Domain + ".";
        return $"node '{Name}' ({domain}{OpType}, opset {Opset})";
    }

    public override string ToString() => Describe();
}

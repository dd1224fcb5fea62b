using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Graphs;

/// <summary>Builds a <see cref="Graph"/> from an ONNX <see cref="ModelProto"/>, decoding initializers, attributes and <c>Constant</c> nodes.</summary>
public static class GraphImporter
{
    /// <summary>ai.onnx opsets Edge implements.</summary>
    public const int MinOnnxOpset = 13, MaxOnnxOpset = 21;

    public static Graph Import(ModelProto model)
    {
        var proto = model.Graph ?? throw new ModelException("model has no graph");
        var graph = new Graph { Name = proto.Name };
        foreach (var entry in model.MetadataProps)
            graph.Metadata[entry.Key] = entry.Value;
        if (model.HasProducerName)
            graph.Metadata["producer"] = (model.ProducerName + " " + model.ProducerVersion).Trim();

        foreach (var import in model.OpsetImport)
        {
            string domain = NormalizeDomain(import.Domain);
            graph.OpsetImports[domain] = (int)import.Version;
        }
        if (graph.OpsetImports.TryGetValue("", out int onnxOpset) && (onnxOpset < MinOnnxOpset || onnxOpset > MaxOnnxOpset))
            throw new ModelException($"model imports ai.onnx opset {onnxOpset}; Edge supports opsets {MinOnnxOpset}–{MaxOnnxOpset} (convert it with onnx.version_converter)");

        foreach (var initializer in proto.Initializer)
        {
            if (string.IsNullOrEmpty(initializer.Name))
                throw new ModelException("an initializer has no name");
            if (graph.Initializers.ContainsKey(initializer.Name))
                throw new ModelException($"initializer '{initializer.Name}' is defined twice");
            graph.Initializers[initializer.Name] = TensorProtoConverter.ToTensor(initializer, $"initializer '{initializer.Name}'");
        }

        foreach (var input in proto.Input)
            if (!graph.Initializers.ContainsKey(input.Name))
                graph.Inputs.Add(ToValueInfo(input, "graph input"));
        foreach (var output in proto.Output)
            graph.Outputs.Add(ToValueInfo(output, "graph output"));

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < proto.Node.Count; i++)
        {
            var node = ImportNode(proto.Node[i], i, graph);
            if (!names.Add(node.Name))
                node.Name = $"{node.Name}_{i}";
            if (node.OpType == "Constant" && node.Domain.Length == 0)
                graph.Initializers[node.Outputs[0]] = ConstantValue(node);
            else
                graph.Nodes.Add(node);
        }
        return graph;
    }

    /// <summary>"ai.onnx" and "" both mean the default domain.</summary>
    public static string NormalizeDomain(string domain) => domain == "ai.onnx" ? "" : domain;

    private static Node ImportNode(NodeProto proto, int index, Graph graph)
    {
        string domain = NormalizeDomain(proto.Domain);
        string name = string.IsNullOrEmpty(proto.Name) ? $"{proto.OpType}_{index}" : proto.Name;
        if (!graph.OpsetImports.TryGetValue(domain, out int opset))
            throw new ModelException($"node '{name}' ({proto.OpType}): domain '{(domain.Length == 0 ? "ai.onnx" : domain)}' is not in the model's opset_import");
        var node = new Node(name, proto.OpType, domain, proto.Input, proto.Output, opset: opset);
        if (node.Outputs.Count == 0)
            throw new ModelException($"{node.Describe()}: has no outputs");
        foreach (var attribute in proto.Attribute)
            node.Attributes.Set(attribute.Name, ImportAttribute(attribute, node));
        return node;
    }

    private static AttributeValue ImportAttribute(AttributeProto a, Node node)
    {
        string where = $"{node.Describe()}: attribute '{a.Name}'";
        if (a.HasRefAttrName && !string.IsNullOrEmpty(a.RefAttrName))
            throw new ModelException($"{where} refers to a function attribute, which Edge does not support");
        var type = a.HasType ? a.Type : InferAttributeType(a);
        return type switch
        {
            AttributeProto.Types.AttributeType.Float => new AttributeValue(AttributeKind.Float, Float: a.F),
            AttributeProto.Types.AttributeType.Int => new AttributeValue(AttributeKind.Int, Int: a.I),
            AttributeProto.Types.AttributeType.String => new AttributeValue(AttributeKind.String, String: a.S.ToStringUtf8()),
            AttributeProto.Types.AttributeType.Tensor => new AttributeValue(AttributeKind.Tensor,
                Tensor: TensorProtoConverter.ToTensor(a.T ?? throw new ModelException($"{where} has type TENSOR but holds no tensor"), where)),
            AttributeProto.Types.AttributeType.Floats => new AttributeValue(AttributeKind.Floats, Floats: a.Floats.ToArray()),
            AttributeProto.Types.AttributeType.Ints => new AttributeValue(AttributeKind.Ints, Ints: a.Ints.ToArray()),
            AttributeProto.Types.AttributeType.Strings => new AttributeValue(AttributeKind.Strings, Strings: a.Strings.Select(s => s.ToStringUtf8()).ToArray()),
            AttributeProto.Types.AttributeType.Graph or AttributeProto.Types.AttributeType.Graphs => new AttributeValue(AttributeKind.Graph),
            _ => throw new ModelException($"{where} has type {type}, which Edge does not support"),
        };
    }

    // Some writers leave AttributeProto.type unset (IR < 0.0.2 style); pick the populated field.
    private static AttributeProto.Types.AttributeType InferAttributeType(AttributeProto a)
    {
        if (a.HasF) return AttributeProto.Types.AttributeType.Float;
        if (a.HasI) return AttributeProto.Types.AttributeType.Int;
        if (a.HasS) return AttributeProto.Types.AttributeType.String;
        if (a.T is not null) return AttributeProto.Types.AttributeType.Tensor;
        if (a.G is not null) return AttributeProto.Types.AttributeType.Graph;
        if (a.Floats.Count > 0) return AttributeProto.Types.AttributeType.Floats;
        if (a.Ints.Count > 0) return AttributeProto.Types.AttributeType.Ints;
        if (a.Strings.Count > 0) return AttributeProto.Types.AttributeType.Strings;
        return AttributeProto.Types.AttributeType.Ints; // an empty list
    }

    private static Tensor ConstantValue(Node node)
    {
        var a = node.Attributes;
        if (a.GetTensor("value") is { } tensor) return tensor;
        if (a.Contains("value_float")) return Tensor.Scalar(a.GetFloat("value_float", 0));
        if (a.Contains("value_int")) return Tensor.Scalar(a.GetInt("value_int"));
        if (a.GetFloats("value_floats") is { } floats) return Tensor.FromArray(new TensorShape(floats.Length), floats.AsSpan());
        if (a.GetInts("value_ints") is { } ints) return Tensor.FromArray(new TensorShape(ints.Length), ints.AsSpan());
        throw new ModelException($"{node.Describe()}: Constant has no supported value attribute (value, value_float(s), value_int(s)); found [{string.Join(",", a.Names)}]");
    }

    private static ValueInfo ToValueInfo(ValueInfoProto proto, string what)
    {
        if (proto.Type?.TensorType is not { } tensorType)
            throw new ModelException($"{what} '{proto.Name}': not a tensor (sequences and maps are not supported)");
        var type = DataTypes.FromOnnx(tensorType.ElemType)
            ?? throw new ModelException($"{what} '{proto.Name}': element type {DataTypes.OnnxCodeName(tensorType.ElemType)} is not supported");
        if (tensorType.Shape is null)
            return new ValueInfo(proto.Name, type, null);
        var dims = new int?[tensorType.Shape.Dim.Count];
        var names = new string?[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            var d = tensorType.Shape.Dim[i];
            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue >= 0)
                dims[i] = (int)d.DimValue;
            else
                names[i] = d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : null;
        }
        return new ValueInfo(proto.Name, type, dims, names);
    }
}

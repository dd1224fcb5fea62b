using Edge.Onnx.Protos;
using Edge.Quantization.Graph;
using Edge.Quantization.Preprocessing;

namespace Edge.Quantization.Static;

/// <summary>
/// Decides, node by node in topological order, what runs on int8: Conv/Gemm/MatMul with constant
/// weights (plus their Relu/Clip), the data-movement ops fed by int8 data, and Add/Mul/Concat/
/// GlobalAveragePool whose inputs are all int8 already. Everything else stays float, with the
/// reason recorded.
/// </summary>
internal static class StaticPlanner
{
    private static readonly HashSet<string> DataMovementOps = ["MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze"];

    public static StaticPlan Plan(GraphEditor graph, ISet<string> excluded)
    {
        var plan = new StaticPlan();
        var fused = new Dictionary<NodeProto, string>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.GraphProto.Node)
        {
            if (fused.TryGetValue(node, out string? layerName))
            {
                plan.Decisions.Add(new NodeDecision(node.Name, node.OpType, true, $"fused into {layerName} (int8 saturation applies it)"));
                continue;
            }
            if (excluded.Contains(node.Name))
            {
                plan.Decisions.Add(new NodeDecision(node.Name, node.OpType, false, "excluded"));
                continue;
            }
            if (node.OpType is "Conv" or "Gemm" or "MatMul" && node.Domain is "" or "ai.onnx")
            {
                string? whyNot = WhyNotLayer(graph, node, out int axis);
                if (whyNot is null)
                {
                    var activation = LayerActivation.Find(graph, node, excluded);
                    var layer = new QuantizedLayer(node, activation, node.Input[0], activation?.Output[0] ?? node.Output[0], axis);
                    plan.Layers.Add(layer);
                    plan.ParameterSource.TryAdd(layer.Input, layer.Input);
                    plan.ParameterSource[layer.Output] = layer.Output;
                    if (activation is not null)
                        fused[activation] = node.Name;
                    plan.Decisions.Add(new NodeDecision(node.Name, node.OpType, true, "int8 weights and activations"));
                    continue;
                }
                plan.Decisions.Add(new NodeDecision(node.Name, node.OpType, false, whyNot));
                continue;
            }
            if (DataMovementOps.Contains(node.OpType) && node.Domain is "" or "ai.onnx" && node.Output.Count(o => o.Length > 0) == 1
                && plan.ParameterSource.TryGetValue(node.Input[0], out string? source))
            {
                plan.PassThrough.Add(node);
                plan.ParameterSource[node.Output[0]] = source;
                plan.Decisions.Add(new NodeDecision(node.Name, node.OpType, true, "moves int8 data (input's parameters)"));
                continue;
            }
            if (node.OpType is "Add" or "Mul" or "Concat" or "GlobalAveragePool" && node.Domain is "" or "ai.onnx"
                && node.Input.Count > 0 && node.Input.All(plan.ParameterSource.ContainsKey))
            {
                // Only where every input already is int8: then the op saves a dequantize/quantize round trip.
                plan.Operators.Add(node);
                plan.ParameterSource[node.Output[0]] = node.Output[0];
                plan.Decisions.Add(new NodeDecision(node.Name, node.OpType, true, "int8 inputs and output"));
                continue;
            }
            plan.Decisions.Add(new NodeDecision(node.Name, node.OpType, false, FloatReason(node)));
        }
        return plan;
    }

    /// <summary>Null when the node can run on int8; <paramref name="axis"/> is then its weight's output-channel axis.</summary>
    private static string? WhyNotLayer(GraphEditor graph, NodeProto node, out int axis)
    {
        axis = node.OpType == "Conv" ? 0 : 1;
        if (graph.IsInitializer(node.Input[0]))
            return "its data input is a constant";
        var weights = graph.FloatInitializer(node.Input[1]);
        if (weights is null)
            return node.OpType == "MatMul" ? "activation × activation MatMul (no constant weight)" : "weight is not a constant float initializer";
        int channels;
        switch (node.OpType)
        {
            case "Conv":
                if (weights.Shape.Rank < 3)
                    return "weight rank below 3";
                channels = weights.Shape[0];
                break;
            case "Gemm":
                if (GraphEditor.GetInt(node, "transA", 0) != 0 || GraphEditor.GetFloat(node, "alpha", 1) != 1 || GraphEditor.GetFloat(node, "beta", 1) != 1)
                    return "Gemm with transA or alpha/beta other than 1";
                if (weights.Shape.Rank != 2)
                    return "weight is not 2-D";
                bool transB = GraphEditor.GetInt(node, "transB", 0) != 0;
                axis = transB ? 0 : 1;
                channels = weights.Shape[axis];
                break;
            default:
                if (weights.Shape.Rank != 2)
                    return "weight is not 2-D";
                channels = weights.Shape[1];
                break;
        }
        if (node.OpType == "MatMul" || node.Input.Count <= 2 || node.Input[2].Length == 0)
            return null;
        return graph.FloatInitializer(node.Input[2]) switch
        {
            null => "bias is not a constant float initializer",
            { ElementCount: var count } when count != channels => "bias does not hold one value per output channel",
            _ => null,
        };
    }

    private static string FloatReason(NodeProto node) => node.OpType switch
    {
        "Softmax" or "LogSoftmax" => "precision-sensitive (exponentials): kept float",
        "LayerNormalization" or "BatchNormalization" or "InstanceNormalization" => "normalization: kept float (int8 would lose its precision)",
        "Erf" or "Gelu" or "Tanh" or "Sigmoid" or "Sqrt" or "Pow" or "Div" or "Exp" or "Log" => "nonlinear math: no int8 kernel, kept float",
        "Add" or "Mul" or "Concat" or "GlobalAveragePool" => "an input is float: Q/DQ around it would cost more than it saves",
        "Sub" or "Relu" or "Clip" or "LeakyRelu" => "cheap elementwise op: Q/DQ around it would cost more than it saves",
        "MaxPool" or "Flatten" or "Reshape" or "Transpose" or "Squeeze" or "Unsqueeze" => "its input is float: nothing to gain",
        "Constant" or "Shape" or "Gather" or "ConstantOfShape" or "Cast" or "Slice" or "Expand" or "Identity" => "shape/constant plumbing: tiny, kept float",
        "ReduceMean" or "ReduceSum" or "AveragePool" => "reduction: kept float",
        _ => $"no int8 form for {node.OpType} here: kept float",
    };
}

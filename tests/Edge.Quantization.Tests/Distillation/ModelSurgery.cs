using System.Runtime.InteropServices;
using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Quantization.Tests.Distillation;

/// <summary>Deliberate damage to quantized models, for tests that must see a gate or a report catch it.</summary>
internal static class ModelSurgery
{
    /// <summary>
    /// A copy of <paramref name="model"/> whose <paramref name="weightIndex"/>-th weight DequantizeLinear
    /// (in node order; one whose quantized input is a constant int8 tensor) has every scale multiplied
    /// by <paramref name="factor"/>. Returns the copy and the name of the compute node that reads the weight.
    /// </summary>
    public static (ModelProto Model, string Consumer) ScaleWeight(ModelProto model, int weightIndex, float factor)
    {
        var copy = model.Clone();
        var graph = copy.Graph;
        var weightDequantizers = graph.Node
            .Where(n => n.OpType == "DequantizeLinear" && ConstantTensor(graph, n.Input[0]) is { DataType: (int)TensorProto.Types.DataType.Int8 })
            .ToList();
        var dq = weightDequantizers[weightIndex];
        var scale = ConstantTensor(graph, dq.Input[1]) ?? throw new InvalidOperationException($"scale of {dq.Name} is not a constant");
        var values = scale.HasRawData ? MemoryMarshal.Cast<byte, float>(scale.RawData.Span).ToArray() : scale.FloatData.ToArray();
        for (int i = 0; i < values.Length; i++)
            values[i] *= factor;
        scale.FloatData.Clear();
        scale.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        var consumer = graph.Node.First(n => n.Input.Contains(dq.Output[0]));
        return (copy, consumer.Name.Length > 0 ? consumer.Name : consumer.Output[0]);
    }

    private static TensorProto? ConstantTensor(GraphProto graph, string name)
    {
        var initializer = graph.Initializer.FirstOrDefault(t => t.Name == name);
        if (initializer is not null)
            return initializer;
        var constant = graph.Node.FirstOrDefault(n => n.OpType == "Constant" && n.Output.Contains(name));
        return constant?.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
    }
}

using Edge.Onnx;
using Edge.Onnx.Protos;
using Edge.Quantization.Dynamic;
using Edge.Quantization.Graph;
using Edge.Quantization.Preprocessing;
using Edge.Quantization.Static;
using Edge.Runtime;
using Edge.Runtime.Graphs;

namespace Edge.Quantization;

/// <summary>
/// Quantizes an fp32 ONNX model: dynamic (int8 MatMul/Gemm weights, activations per inference) or
/// static (calibrated int8 activations, QDQ or QOperator). Model in, model out; the input model is
/// not modified and every result is checked with Edge's importer before it is returned.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>Reads <paramref name="inputPath"/>, quantizes it and writes <paramref name="outputPath"/> atomically.</summary>
    public static QuantizationResult QuantizeFile(string inputPath, string outputPath, QuantizationOptions options)
    {
        ModelProto model;
        try
        {
            model = OnnxModelReader.ReadModel(inputPath);
        }
        catch (Exception e) when (e is OnnxFormatException or IOException or UnauthorizedAccessException)
        {
            throw new QuantizationException($"cannot read model '{inputPath}': {e.Message}", e);
        }
        var result = Quantize(model, options);
        OnnxModelWriter.WriteModel(result.Model, outputPath);
        return result;
    }

    /// <summary>Returns a quantized copy of <paramref name="model"/>.</summary>
    public static QuantizationResult Quantize(ModelProto model, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var copy = model.Clone();
        var graph = new GraphEditor(copy);
        NameUnnamedNodes(graph);
        CheckExcludedNodes(graph, options.ExcludedNodes);
        ConstantLifter.Lift(graph);
        graph.SortTopologically();

        var decisions = options.Mode == QuantizationMode.Dynamic
            ? DynamicQuantizer.Quantize(graph, options)
            : StaticQuantizer.Quantize(graph, options);

        graph.RemoveUnusedInitializers();
        graph.SortTopologically();
        // Shapes and types recorded for the float graph may no longer hold (tensors became int8).
        graph.GraphProto.ValueInfo.Clear();
        if (!copy.ProducerName.Contains("edge-quantize", StringComparison.Ordinal))
            copy.ProducerName = copy.ProducerName.Length == 0 ? "edge-quantize" : copy.ProducerName + "+edge-quantize";
        try
        {
            GraphImporter.Import(copy);
        }
        catch (ModelException e)
        {
            throw new QuantizationException($"the quantized model does not import: {e.Message}", e);
        }
        return new QuantizationResult(copy, decisions, GraphEditor.SizeOf(model), GraphEditor.SizeOf(copy));
    }

    private static void NameUnnamedNodes(GraphEditor graph)
    {
        var nodes = graph.GraphProto.Node;
        for (int i = 0; i < nodes.Count; i++)
            if (nodes[i].Name.Length == 0)
                nodes[i].Name = graph.FreshName($"{nodes[i].OpType}_{i}");
    }

    private static void CheckExcludedNodes(GraphEditor graph, IReadOnlyCollection<string> excluded)
    {
        var names = graph.GraphProto.Node.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in excluded)
        {
            if (names.Contains(name))
                continue;
            var similar = names.Where(n => n.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(n, StringComparison.OrdinalIgnoreCase)).Take(5).ToList();
            string hint = similar.Count > 0 ? $"; similar: {string.Join(", ", similar)}" : $"; nodes include {string.Join(", ", names.Take(5))}";
            throw new QuantizationException($"--exclude: the model has no node named '{name}'{hint}");
        }
    }
}

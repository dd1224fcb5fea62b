using Edge.Onnx.Protos;
using Edge.Runtime;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using RuntimeGraph = Edge.Runtime.Graphs.Graph;

namespace Edge.Quantization.Reporting;

/// <summary>
/// A session over a copy of a model with inner tensors added as graph outputs. Edge's fusions keep
/// working: the taps are tensors a fused graph still has (a QuantizeLinear's output is the fused
/// int8 kernel's output; a DequantizeLinear output read by a fused kernel stays as an extra node),
/// and the fusions that would swallow a tapped tensor check for graph outputs and leave it alone.
/// </summary>
internal sealed class TapSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly HashSet<string> _inputs;

    public TapSession(ModelProto model, IEnumerable<(string Name, DataType Type)> taps, string role)
    {
        var graph = GraphImporter.Import(model);
        _inputs = graph.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, type) in taps.DistinctBy(t => t.Name))
            if (!_inputs.Contains(name) && !graph.IsGraphOutput(name))
                graph.Outputs.Add(new ValueInfo(name, type, null));
        try
        {
            _session = new InferenceSession(graph);
        }
        catch (ModelException e)
        {
            throw new ModelException($"{role} model: {e.Message}", e);
        }
        Role = role;
    }

    public string Role { get; }

    /// <summary>The optimised graph the session runs (to check which fusions applied).</summary>
    public RuntimeGraph Graph => _session.Graph;

    public IReadOnlyList<ValueInfo> Inputs => _session.Inputs;

    public IReadOnlyList<ValueInfo> Outputs => _session.Outputs;

    /// <summary>Every output and tap by name; tapped graph inputs are the fed tensors themselves.</summary>
    public Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var results = _session.Run(inputs);
        foreach (var (name, tensor) in inputs)
            results[name] = tensor;
        return results;
    }

    public void Dispose() => _session.Dispose();
}

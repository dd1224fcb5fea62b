using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Edge.Runtime.Validation;

namespace Edge.Runtime.Tests.Conformance;

/// <summary>
/// Node tests feed shape, axes and similar parameters as graph inputs, but Edge plans per input
/// shape and needs those values at plan time (real models hold them in initializers or fold them
/// from Shape chains). For a test whose plan asks for such a value, this runs each data set with its
/// integer parameter inputs (never a node's first input) frozen into initializers.
/// </summary>
internal static class PlanTimeInputs
{
    /// <summary>The phrase of <see cref="Operators.NodeContext.RequireConstant"/>'s error.</summary>
    private const string Marker = "must be known when the session is planned";

    public static bool IsNeeded(Exception e) => e is ModelException && e.Message.Contains(Marker, StringComparison.Ordinal);

    public static bool IsNeeded(IEnumerable<DataSetResult> results) => results.Any(r => r.Error?.Contains(Marker, StringComparison.Ordinal) == true);

    public static List<DataSetResult> Run(string folder, Tolerance tolerance)
    {
        var results = new List<DataSetResult>();
        foreach (string dataSet in ModelTestRunner.DataSets(folder))
        {
            var graph = GraphImporter.Import(OnnxModelReader.ReadModel(Path.Combine(folder, "model.onnx")));
            var inputs = ModelTestRunner.ReadTensors(dataSet, "input");
            var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var declared = graph.Inputs.ToList();
            for (int i = 0; i < inputs.Count; i++)
            {
                var input = declared.FirstOrDefault(x => x.Name == inputs[i].Name) ?? declared[i];
                if (IsParameter(graph, input))
                {
                    graph.Inputs.Remove(input);
                    graph.Initializers[input.Name] = inputs[i].Value;
                }
                else
                {
                    feeds[input.Name] = inputs[i].Value;
                }
            }
            var session = new InferenceSession(graph);
            var outputs = session.Run(feeds);
            var expected = ModelTestRunner.ReadTensors(dataSet, "output");
            var comparisons = new List<TensorComparison>();
            for (int i = 0; i < expected.Count; i++)
            {
                string name = outputs.ContainsKey(expected[i].Name) ? expected[i].Name : session.Outputs[i].Name;
                comparisons.Add(TensorComparison.Compare(name, expected[i].Value, outputs[name], tolerance));
            }
            results.Add(new DataSetResult(Path.GetFileName(dataSet) + " (parameters frozen)", comparisons, null));
        }
        return results;
    }

    private static bool IsParameter(Graph graph, ValueInfo input) =>
        input.Type is DataType.Int64 or DataType.Int32
        && graph.Nodes.Any(n => n.Inputs.Contains(input.Name))
        && graph.Nodes.All(n => n.Inputs.IndexOf(input.Name) != 0);
}

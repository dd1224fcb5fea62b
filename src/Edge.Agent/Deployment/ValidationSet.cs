using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Agent.Deployment;

/// <summary>
/// A manifest's optional validation set: cases of inputs and expected outputs (binary TensorProtos,
/// base64, by position as in the ONNX test-data layout) that the new session must reproduce within
/// tolerance before it is swapped in. Carried inside the signed manifest, so keep it small.
/// </summary>
public sealed record ValidationSet(IReadOnlyList<ValidationCase> Cases, double Atol, double Rtol)
{
    /// <summary>Packs <c>DIR/test_data_set_N/input_K.pb, output_K.pb</c> into the manifest's <c>validation</c> object.</summary>
    public static JsonObject Pack(string folder, double atol = 1e-4, double rtol = 1e-3)
    {
        var sets = Directory.Exists(folder) ? Directory.GetDirectories(folder, "test_data_set_*").Order(StringComparer.Ordinal).ToList() : [];
        if (sets.Count == 0)
            throw new IOException($"{folder}: no test_data_set_N folders (ONNX test-data layout)");
        var cases = new JsonArray();
        foreach (string set in sets)
        {
            cases.Add(new JsonObject
            {
                ["inputs"] = Files(set, "input"),
                ["outputs"] = Files(set, "output"),
            });
        }
        return new JsonObject { ["atol"] = atol, ["rtol"] = rtol, ["cases"] = cases };
    }

    internal static ValidationSet? From(JsonNode? node)
    {
        if (node is null)
            return null;
        try
        {
            var cases = (node["cases"] as JsonArray ?? throw new InvalidOperationException("'cases' missing"))
                .Select(c => new ValidationCase(Decode(c?["inputs"], "inputs"), Decode(c?["outputs"], "outputs"))).ToList();
            if (cases.Count == 0)
                throw new InvalidOperationException("no cases");
            return new ValidationSet(cases, node["atol"]?.GetValue<double>() ?? 1e-4, node["rtol"]?.GetValue<double>() ?? 1e-3);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or OnnxFormatException)
        {
            throw new DeployRefusedException(DeployRefusal.InvalidManifest, $"manifest validation: expected {{ atol, rtol, cases: [ {{ inputs: [base64 TensorProto…], outputs: […] }} ] }} ({e.Message})");
        }
    }

    /// <summary>Runs every case; throws <see cref="DeployRefusedException"/> (validation-failed) naming the first difference.</summary>
    public void Check(InferenceSession session)
    {
        for (int c = 0; c < Cases.Count; c++)
        {
            var @case = Cases[c];
            if (@case.Inputs.Count != session.Inputs.Count || @case.Outputs.Count != session.Outputs.Count)
                throw Failed($"case {c} has {@case.Inputs.Count} inputs and {@case.Outputs.Count} outputs; the model takes {session.Inputs.Count} and gives {session.Outputs.Count}");
            var feeds = session.Inputs.Select((info, k) => (info.Name, Tensor: TensorProtoConverter.ToTensor(@case.Inputs[k], $"validation case {c} input {k}")))
                .ToDictionary(p => p.Name, p => p.Tensor);
            Dictionary<string, Tensor> outputs;
            try
            {
                outputs = session.Run(feeds);
            }
            catch (Runtime.ModelException e)
            {
                throw Failed($"case {c} does not run: {e.Message}");
            }
            for (int k = 0; k < session.Outputs.Count; k++)
            {
                string name = session.Outputs[k].Name;
                double[] expected = TensorProtoConverter.ToTensor(@case.Outputs[k], $"validation case {c} output {k}").ToDoubleArray();
                double[] actual = outputs[name].ToDoubleArray();
                if (expected.Length != actual.Length)
                    throw Failed($"case {c} output '{name}' has {actual.Length} elements, expected {expected.Length}");
                for (int i = 0; i < expected.Length; i++)
                    if (!(Math.Abs(actual[i] - expected[i]) <= Atol + Rtol * Math.Abs(expected[i])))
                        throw Failed(string.Create(CultureInfo.InvariantCulture, $"case {c} output '{name}'[{i}] is {actual[i]:G6}, expected {expected[i]:G6} (atol {Atol}, rtol {Rtol})"));
            }
        }
    }

    private static DeployRefusedException Failed(string message) => new(DeployRefusal.ValidationFailed, message);

    private static JsonArray Files(string set, string kind)
    {
        var files = new JsonArray();
        for (int k = 0; File.Exists(Path.Combine(set, $"{kind}_{k}.pb")); k++)
            files.Add(Convert.ToBase64String(File.ReadAllBytes(Path.Combine(set, $"{kind}_{k}.pb"))));
        return files;
    }

    private static List<Onnx.Protos.TensorProto> Decode(JsonNode? array, string field)
        => (array as JsonArray ?? throw new InvalidOperationException($"'{field}' missing"))
            .Select(item => OnnxModelReader.ReadTensor(Convert.FromBase64String(item?.GetValue<string>() ?? throw new InvalidOperationException($"null in '{field}'")), "validation tensor"))
            .ToList();
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Agent.Deployment;

/// <summary>
/// A manifest's optional validation set, checked on the new session before it is swapped in: cases of
/// inputs and expected outputs (binary TensorProtos, base64, by position as in the ONNX test-data
/// layout) to reproduce within tolerance, and/or a labelled batch whose accuracy must reach a minimum
/// (<see cref="LabelledValidation"/>). Carried inside the signed manifest, so keep it small.
/// </summary>
public sealed record ValidationSet(IReadOnlyList<ValidationCase> Cases, double Atol, double Rtol)
{
    /// <summary>Labelled inputs and the accuracy they must reach; null when the set has only cases.</summary>
    public LabelledValidation? Labelled { get; init; }

    /// <summary>
    /// Packs a folder into the manifest's <c>validation</c> object: <c>DIR/test_data_set_N/input_K.pb, output_K.pb</c>
    /// (expected outputs, compared within atol/rtol) and/or <c>DIR/inputs.pb</c> + <c>DIR/labels.pb</c> (a labelled
    /// batch; needs <paramref name="minAccuracy"/>).
    /// </summary>
    public static JsonObject Pack(string folder, double atol = 1e-4, double rtol = 1e-3, double? minAccuracy = null)
    {
        if (!Directory.Exists(folder))
            throw new IOException($"{folder}: validation folder not found");
        var sets = Directory.GetDirectories(folder, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
        bool labelled = File.Exists(Path.Combine(folder, "inputs.pb")) || File.Exists(Path.Combine(folder, "labels.pb"));
        if (sets.Count == 0 && !labelled)
            throw new IOException($"{folder}: neither test_data_set_N folders (expected outputs) nor inputs.pb + labels.pb (labelled samples)");
        var validation = new JsonObject();
        if (sets.Count > 0)
        {
            var cases = new JsonArray();
            foreach (string set in sets)
            {
                cases.Add(new JsonObject
                {
                    ["inputs"] = Files(set, "input"),
                    ["outputs"] = Files(set, "output"),
                });
            }
            validation["atol"] = atol;
            validation["rtol"] = rtol;
            validation["cases"] = cases;
        }
        if (labelled)
        {
            if (minAccuracy is not { } min)
                throw new IOException($"{folder}: holds labelled samples (inputs.pb, labels.pb): give the minimum accuracy they must reach");
            validation["minAccuracy"] = min;
            validation["inputs"] = Base64File(folder, "inputs.pb");
            validation["labels"] = Base64File(folder, "labels.pb");
        }
        else if (minAccuracy is not null)
        {
            throw new IOException($"{folder}: a minimum accuracy needs labelled samples (inputs.pb, labels.pb) in the folder");
        }
        return validation;
    }

    internal static ValidationSet? From(JsonNode? node)
    {
        if (node is null)
            return null;
        try
        {
            bool hasLabelled = node["minAccuracy"] is not null || node["inputs"] is not null || node["labels"] is not null;
            var cases = node["cases"] is null && hasLabelled ? [] : (node["cases"] as JsonArray ?? throw new InvalidOperationException("'cases' missing"))
                .Select(c => new ValidationCase(Decode(c?["inputs"], "inputs"), Decode(c?["outputs"], "outputs"))).ToList();
            if (cases.Count == 0 && !hasLabelled)
                throw new InvalidOperationException("no cases");
            LabelledValidation? labelled = null;
            if (hasLabelled)
            {
                labelled = new LabelledValidation(
                    DecodeOne(node["inputs"], "inputs"), DecodeOne(node["labels"], "labels"),
                    node["minAccuracy"]?.GetValue<double>() ?? throw new InvalidOperationException("'minAccuracy' missing"));
                labelled.CheckWellFormed();
            }
            return new ValidationSet(cases, node["atol"]?.GetValue<double>() ?? 1e-4, node["rtol"]?.GetValue<double>() ?? 1e-3) { Labelled = labelled };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or OnnxFormatException)
        {
            throw new DeployRefusedException(DeployRefusal.InvalidManifest,
                $"manifest validation: expected {{ atol, rtol, cases: [ {{ inputs: [base64 TensorProto…], outputs: […] }} ] }} and/or {{ minAccuracy, inputs: base64 TensorProto, labels: base64 int64 TensorProto }} ({e.Message})");
        }
    }

    /// <summary>Runs every case, then the labelled samples; throws <see cref="DeployRefusedException"/> (validation-failed) naming the first difference or the accuracy.</summary>
    public void Check(InferenceSession session)
    {
        CheckCases(session);
        Labelled?.Check(session);
    }

    private void CheckCases(InferenceSession session)
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

    private static string Base64File(string folder, string file) => Convert.ToBase64String(File.ReadAllBytes(Path.Combine(folder, file)));

    private static Onnx.Protos.TensorProto DecodeOne(JsonNode? item, string field)
        => OnnxModelReader.ReadTensor(Convert.FromBase64String(item?.GetValue<string>() ?? throw new InvalidOperationException($"'{field}' missing")), $"validation {field}");

    private static List<Onnx.Protos.TensorProto> Decode(JsonNode? array, string field)
        => (array as JsonArray ?? throw new InvalidOperationException($"'{field}' missing"))
            .Select(item => OnnxModelReader.ReadTensor(Convert.FromBase64String(item?.GetValue<string>() ?? throw new InvalidOperationException($"null in '{field}'")), "validation tensor"))
            .ToList();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Agent.Inference;
using Edge.Onnx;
using Edge.Quantization.Distillation;
using Edge.Runtime;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Agent.Deployment;

/// <summary>
/// The manifest's optional <c>distillation</c> object: the distillation-aware gate. The new (student)
/// session runs over a labelled or teacher-annotated set; top-1 agreement with the teacher, accuracy
/// and KL(teacher ‖ student) at temperature T must meet the thresholds before the swap. The teacher
/// is given as logits in the set, or as the name of a model live on this device. PROTOCOL.md has the JSON.
/// </summary>
public sealed record DistillationCheck(DistillationThresholds Thresholds, byte[] Inputs, byte[]? Labels, byte[]? TeacherLogits, string? TeacherModel)
{
    /// <summary>Packs a <see cref="DistillationData"/> folder (inputs.pb, labels.pb, teacher_logits.pb) with the thresholds.</summary>
    public static JsonObject Pack(string folder, DistillationThresholds thresholds, string? teacherModel = null)
    {
        thresholds.Validate();
        string inputs = Path.Combine(folder, DistillationData.InputsFile);
        if (!File.Exists(inputs))
            throw new ArgumentException($"distillation set '{folder}' has no {DistillationData.InputsFile}");
        var packed = new JsonObject
        {
            ["temperature"] = thresholds.Temperature,
            ["inputs"] = Convert.ToBase64String(File.ReadAllBytes(inputs)),
        };
        if (thresholds.MinTop1Agreement is { } agreement) packed["minAgreement"] = agreement;
        if (thresholds.MinAccuracy is { } accuracy) packed["minAccuracy"] = accuracy;
        if (thresholds.MaxKlDivergence is { } kl) packed["maxKl"] = kl;
        foreach (var (file, field) in new[] { (DistillationData.LabelsFile, "labels"), (DistillationData.TeacherLogitsFile, "teacherLogits") })
            if (File.Exists(Path.Combine(folder, file)))
                packed[field] = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(folder, file)));
        if (teacherModel is not null)
            packed["teacher"] = teacherModel;
        if (teacherModel is null && packed["teacherLogits"] is null)
            throw new ArgumentException($"distillation set '{folder}' has no {DistillationData.TeacherLogitsFile}; name a teacher model on the device instead");
        return packed;
    }

    /// <summary>Reads the manifest field; null when absent. Throws invalid-manifest naming the field.</summary>
    public static DistillationCheck? From(JsonNode? node)
    {
        if (node is null)
            return null;
        if (node is not JsonObject obj)
            throw Invalid("distillation", "expected an object { temperature, minAgreement, minAccuracy, maxKl, inputs, labels, teacherLogits | teacher }");
        var thresholds = new DistillationThresholds
        {
            Temperature = Number(obj, "temperature") ?? 1,
            MinTop1Agreement = Number(obj, "minAgreement"),
            MinAccuracy = Number(obj, "minAccuracy"),
            MaxKlDivergence = Number(obj, "maxKl"),
        };
        try
        {
            thresholds.Validate();
        }
        catch (ArgumentException e)
        {
            throw Invalid("distillation", e.Message);
        }
        string? teacher = obj["teacher"] is { } t ? (t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : throw Invalid("distillation.teacher", "expected a model name")) : null;
        var check = new DistillationCheck(thresholds, Base64(obj, "inputs") ?? throw Invalid("distillation.inputs", "required"),
            Base64(obj, "labels"), Base64(obj, "teacherLogits"), teacher);
        if (check.TeacherLogits is null && teacher is null)
            throw Invalid("distillation", "needs teacherLogits or the name of a teacher model on the device");
        if (thresholds.MinAccuracy is not null && check.Labels is null)
            throw Invalid("distillation.labels", "minAccuracy needs labels");
        return check;
    }

    /// <summary>Measures <paramref name="student"/>; refused as <c>distillation-gate</c> with every failed threshold.</summary>
    public DistillationMetrics Check(InferenceSession student, ModelRegistry models)
    {
        DistillationData data;
        try
        {
            data = new DistillationData(
                TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(Inputs, "distillation.inputs"), "distillation.inputs"),
                Labels is null ? null : TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(Labels, "distillation.labels"), "distillation.labels").AsSpan<long>().ToArray(),
                TeacherLogits is null ? null : TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(TeacherLogits, "distillation.teacherLogits"), "distillation.teacherLogits"),
                source: "the manifest's distillation set");
        }
        catch (Exception e) when (e is ModelException or OnnxFormatException or InvalidOperationException)
        {
            throw Invalid("distillation", e.Message);
        }

        DistillationMetrics metrics;
        ModelLease lease = default;
        bool leased = TeacherModel is not null && models.TryAcquire(TeacherModel, out lease);
        if (TeacherModel is not null && !leased)
            throw new DeployRefusedException(DeployRefusal.DistillationGate, $"the teacher model '{TeacherModel}' is not live on this device");
        try
        {
            metrics = new DistillationComparison(student, leased ? lease.Model.Session : null) { Temperature = Thresholds.Temperature }.Run(data);
        }
        catch (ModelException e)
        {
            throw new DeployRefusedException(DeployRefusal.DistillationGate, $"the distillation set does not fit the model: {e.Message}");
        }
        finally
        {
            if (leased)
                lease.Dispose();
        }
        var verdict = new DistillationGate(Thresholds).Evaluate(metrics);
        if (!verdict.Accepted)
            throw new DeployRefusedException(DeployRefusal.DistillationGate, $"{verdict.Summary} ({Describe(metrics)})");
        return metrics;
    }

    /// <summary>The figures in one line, for state messages and logs.</summary>
    public static string Describe(DistillationMetrics m) =>
        $"top-1 agreement {m.Top1Agreement:P1}, KL {m.MeanKlDivergence:0.####} at T={m.Temperature:0.##}" +
        (m.StudentAccuracy is { } a ? $", accuracy {a:P1}" : "") + (m.TeacherAccuracy is { } t ? $" (teacher {t:P1})" : "") + $" over {m.Samples} samples";

    private static double? Number(JsonObject obj, string name)
    {
        var node = obj[name];
        if (node is null)
            return null;
        if (node.GetValueKind() != JsonValueKind.Number)
            throw Invalid($"distillation.{name}", "expected a number");
        return node.GetValue<double>();
    }

    private static byte[]? Base64(JsonObject obj, string name)
    {
        var node = obj[name];
        if (node is null)
            return null;
        try
        {
            return Convert.FromBase64String(node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw new FormatException());
        }
        catch (FormatException)
        {
            throw Invalid($"distillation.{name}", "expected a base64 TensorProto");
        }
    }

    private static DeployRefusedException Invalid(string field, string problem) => DeployRefusedException.InvalidManifest(field, problem);
}

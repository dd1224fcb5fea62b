using Edge.Runtime;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Distillation;

/// <summary>
/// Runs a student (and a teacher model, when given) over a <see cref="DistillationData"/> set in
/// batches with Edge's <see cref="InferenceSession"/> and measures the student against the teacher.
/// The logits are each model's first output, one row of classes per sample.
/// </summary>
public sealed class DistillationComparison
{
    private readonly InferenceSession _student;
    private readonly InferenceSession? _teacher;

    /// <param name="teacher">The teacher model; null to take the teacher logits from the data set.</param>
    public DistillationComparison(InferenceSession student, InferenceSession? teacher = null)
    {
        _student = student;
        _teacher = teacher;
    }

    /// <summary>Samples per run (models with a fixed batch dimension use theirs).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The softmax temperature of the KL divergence.</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>Loads both models and the data folder, then compares (what <c>edge quantize --compare</c> does).</summary>
    public static DistillationMetrics Compare(string studentModel, string? teacherModel, string dataDirectory, double temperature = 1)
    {
        var data = DistillationData.Load(dataDirectory);
        using var student = InferenceSession.Load(studentModel);
        using var teacher = teacherModel is null ? null : InferenceSession.Load(teacherModel);
        return new DistillationComparison(student, teacher) { Temperature = temperature }.Run(data);
    }

    /// <summary>
    /// The metrics over every sample. A teacher model, when given, wins over the data set's teacher
    /// logits; without either there is nothing to compare with and this fails.
    /// </summary>
    public DistillationMetrics Run(DistillationData data)
    {
        var studentLogits = Logits(_student, data, "student");
        Tensor teacherLogits = _teacher is not null ? Logits(_teacher, data, "teacher")
            : data.TeacherLogits ?? throw new ModelException($"{data.Source}: no teacher logits ({DistillationData.TeacherLogitsFile}) and no teacher model to compute them");
        int classes = studentLogits.ElementCount / data.Count;
        int teacherClasses = teacherLogits.ElementCount / data.Count;
        if (classes != teacherClasses)
            throw new ModelException($"{data.Source}: the student gives {classes} logits per sample, the teacher {teacherClasses}");
        return DistillationMetrics.Compute(studentLogits.AsSpan<float>(), teacherLogits.AsSpan<float>(), classes,
            data.Labels is null ? ReadOnlySpan<long>.Empty : data.Labels, Temperature);
    }

    /// <summary>The model's first output for every sample, stacked: [samples, classes].</summary>
    private Tensor Logits(InferenceSession session, DistillationData data, string role)
    {
        if (session.Inputs.Count != 1)
            throw new ModelException($"the {role} model takes {session.Inputs.Count} inputs ({string.Join(", ", session.Inputs.Select(i => i.Name))}); a validation set feeds exactly one");
        var declared = session.Inputs[0];
        if (data.Inputs.Type != declared.Type)
            throw new ModelException($"{data.Source}: inputs are {data.Inputs.Type.OnnxName()}, the {role} model's input '{declared.Name}' is {declared.Type.OnnxName()}");
        int batch = declared.Dims is { Length: > 0 } declaredDims && declaredDims[0] is { } fixedBatch ? fixedBatch : Math.Max(1, BatchSize);
        if (data.Count % batch != 0 && declared.Dims?[0] is not null)
            throw new ModelException($"the {role} model's input '{declared.Name}' has a fixed batch of {batch}, which does not divide the {data.Count} samples");

        int samples = data.Count;
        int sampleSize = data.Inputs.ElementCount / samples;
        int elementBytes = data.Inputs.Type.SizeOf();
        float[]? result = null;
        int classes = 0;
        var outputs = new Tensor[session.Outputs.Count];
        for (int start = 0; start < samples; start += batch)
        {
            int count = Math.Min(batch, samples - start);
            var dims = data.Inputs.Shape.ToArray();
            dims[0] = count;
            var slice = new Tensor(data.Inputs.Type, new TensorShape(dims), data.Inputs.Buffer, data.Inputs.ByteOffset + start * sampleSize * elementBytes);
            Array.Clear(outputs);
            session.Run([slice], outputs);
            var logits = outputs[0];
            if (logits.Type != DataType.Float32 || logits.Shape.Rank < 1 || logits.Shape[0] != count || logits.ElementCount % count != 0)
                throw new ModelException($"the {role} model's output '{session.Outputs[0].Name}' is {logits}; need float logits [{count}, classes] for a batch of {count}");
            if (result is null)
            {
                classes = logits.ElementCount / count;
                result = new float[samples * classes];
            }
            else if (logits.ElementCount / count != classes)
            {
                throw new ModelException($"the {role} model's output '{session.Outputs[0].Name}' changed from {classes} to {logits.ElementCount / count} values per sample between batches");
            }
            logits.AsSpan<float>().CopyTo(result.AsSpan(start * classes));
        }
        return Tensor.FromArray(new TensorShape(samples, classes), result!);
    }
}

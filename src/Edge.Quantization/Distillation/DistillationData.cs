using Edge.Onnx;
using Edge.Runtime;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Distillation;

/// <summary>
/// A validation set for the distillation gate: a batch of inputs (dimension 0 = samples), optional
/// int64 labels and optional teacher logits. On disk it is a folder of ONNX TensorProto files:
/// <c>inputs.pb</c>, <c>labels.pb</c> (optional), <c>teacher_logits.pb</c> (optional).
/// </summary>
public sealed class DistillationData
{
    public const string InputsFile = "inputs.pb", LabelsFile = "labels.pb", TeacherLogitsFile = "teacher_logits.pb";

    /// <summary>Checks that labels and teacher logits cover the same samples as the inputs.</summary>
    /// <param name="inputName">The name the inputs carried (the TensorProto's name); used when a model has several inputs.</param>
    public DistillationData(Tensor inputs, long[]? labels = null, Tensor? teacherLogits = null, string inputName = "", string source = "validation set")
    {
        if (inputs.Shape.Rank < 1 || inputs.Shape[0] < 1)
            throw new ModelException($"{source}: inputs have shape {inputs.Shape}; need a batch with at least one sample along dimension 0");
        int samples = inputs.Shape[0];
        if (labels is not null && labels.Length != samples)
            throw new ModelException($"{source}: {labels.Length} labels for {samples} input samples");
        if (teacherLogits is not null)
        {
            if (teacherLogits.Type != DataType.Float32)
                throw new ModelException($"{source}: teacher logits are {teacherLogits.Type.OnnxName()}, need float");
            if (teacherLogits.Shape.Rank < 2 || teacherLogits.Shape[0] != samples)
                throw new ModelException($"{source}: teacher logits have shape {teacherLogits.Shape}; need [{samples}, classes] to match the inputs");
        }
        Inputs = inputs;
        Labels = labels;
        TeacherLogits = teacherLogits;
        InputName = inputName;
        Source = source;
    }

    /// <summary>All samples, stacked along dimension 0.</summary>
    public Tensor Inputs { get; }

    /// <summary>The inputs' TensorProto name (often the model input's name); may be empty.</summary>
    public string InputName { get; }

    /// <summary>Class index per sample, or null.</summary>
    public long[]? Labels { get; }

    /// <summary>Teacher logits [samples, classes], or null (then a teacher model must be run).</summary>
    public Tensor? TeacherLogits { get; }

    /// <summary>Where the data came from (the folder), for messages.</summary>
    public string Source { get; }

    public int Count => Inputs.Shape[0];

    /// <summary>
    /// Loads a data folder. Errors name the file: a missing <c>inputs.pb</c> or folder, a file that is
    /// not a TensorProto, labels that are not int64, logits that are not float, sample counts that differ.
    /// </summary>
    public static DistillationData Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new ModelException($"{directory}: validation data folder does not exist");
        string inputsPath = Path.Combine(directory, InputsFile);
        if (!File.Exists(inputsPath))
            throw new ModelException($"{inputsPath}: missing; a validation data folder needs {InputsFile} (the input batch), and may have {LabelsFile} and {TeacherLogitsFile}");
        var inputsProto = OnnxModelReader.ReadTensor(inputsPath);
        var inputs = TensorProtoConverter.ToTensor(inputsProto, inputsPath);
        if (inputs.Shape.Rank < 1 || inputs.Shape[0] < 1)
            throw new ModelException($"{inputsPath}: shape {inputs.Shape} has no batch dimension with samples");
        int samples = inputs.Shape[0];

        long[]? labels = null;
        string labelsPath = Path.Combine(directory, LabelsFile);
        if (File.Exists(labelsPath))
        {
            var tensor = TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(labelsPath), labelsPath);
            if (tensor.Type != DataType.Int64)
                throw new ModelException($"{labelsPath}: labels are {tensor.Type.OnnxName()}, need int64 class indices");
            if (tensor.Shape.Rank is not (1 or 2) || tensor.ElementCount != samples || tensor.Shape[0] != samples)
                throw new ModelException($"{labelsPath}: shape {tensor.Shape} does not match the {samples} samples of {InputsFile} (need [{samples}])");
            labels = tensor.AsSpan<long>().ToArray();
        }

        Tensor? teacher = null;
        string teacherPath = Path.Combine(directory, TeacherLogitsFile);
        if (File.Exists(teacherPath))
        {
            teacher = TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(teacherPath), teacherPath);
            if (teacher.Type != DataType.Float32)
                throw new ModelException($"{teacherPath}: teacher logits are {teacher.Type.OnnxName()}, need float");
            if (teacher.Shape.Rank < 2 || teacher.Shape[0] != samples)
                throw new ModelException($"{teacherPath}: shape {teacher.Shape} does not match the {samples} samples of {InputsFile} (need [{samples}, classes])");
        }
        return new DistillationData(inputs, labels, teacher, inputsProto.Name, directory);
    }
}

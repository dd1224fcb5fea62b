using Edge.Onnx;
using Edge.Quantization.Distillation;
using Edge.Runtime;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Tests.Distillation;

public sealed class DistillationDataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-kd-data-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_fixture_split_loads_with_inputs_and_labels()
    {
        var data = DistillationData.Load(Fixtures.Split("teacher_cnn"));
        Assert.Equal(360, data.Count);
        Assert.Equal(new TensorShape(360, 1, 8, 8), data.Inputs.Shape);
        Assert.Equal(360, data.Labels!.Length);
        Assert.Null(data.TeacherLogits);
        Assert.Equal("input", data.InputName);
    }

    [Fact]
    public void Teacher_logits_load_beside_the_inputs()
    {
        WriteInputs(4);
        Write(DistillationData.TeacherLogitsFile, Tensor.FromArray<float>(new TensorShape(4, 3), new float[12]));
        var data = DistillationData.Load(_folder);
        Assert.Equal(new TensorShape(4, 3), data.TeacherLogits!.Shape);
        Assert.Null(data.Labels);
    }

    [Fact]
    public void A_missing_inputs_file_is_named()
    {
        var e = Assert.Throws<ModelException>(() => DistillationData.Load(_folder));
        Assert.Contains(Path.Combine(_folder, "inputs.pb"), e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        string missing = Path.Combine(_folder, "nope");
        var e = Assert.Throws<ModelException>(() => DistillationData.Load(missing));
        Assert.StartsWith(missing, e.Message);
    }

    [Fact]
    public void Labels_of_the_wrong_type_are_refused_naming_the_file()
    {
        WriteInputs(4);
        Write(DistillationData.LabelsFile, Tensor.FromArray<float>(new TensorShape(4), [0, 1, 2, 3]));
        var e = Assert.Throws<ModelException>(() => DistillationData.Load(_folder));
        Assert.Contains(Path.Combine(_folder, "labels.pb"), e.Message);
        Assert.Contains("float", e.Message);
        Assert.Contains("int64", e.Message);
    }

    [Fact]
    public void Labels_for_another_batch_size_are_refused_naming_the_file()
    {
        WriteInputs(4);
        Write(DistillationData.LabelsFile, Tensor.FromArray<long>(new TensorShape(5), [0, 1, 2, 3, 4]));
        var e = Assert.Throws<ModelException>(() => DistillationData.Load(_folder));
        Assert.Contains(Path.Combine(_folder, "labels.pb"), e.Message);
        Assert.Contains("4 samples", e.Message);
    }

    [Fact]
    public void Teacher_logits_of_the_wrong_type_or_batch_are_refused_naming_the_file()
    {
        WriteInputs(4);
        Write(DistillationData.TeacherLogitsFile, Tensor.FromArray<long>(new TensorShape(4, 2), new long[8]));
        var e = Assert.Throws<ModelException>(() => DistillationData.Load(_folder));
        Assert.Contains(Path.Combine(_folder, "teacher_logits.pb"), e.Message);
        Assert.Contains("need float", e.Message);

        Write(DistillationData.TeacherLogitsFile, Tensor.FromArray<float>(new TensorShape(3, 2), new float[6]));
        e = Assert.Throws<ModelException>(() => DistillationData.Load(_folder));
        Assert.Contains("[4, classes]", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_tensor_is_named()
    {
        File.WriteAllBytes(Path.Combine(_folder, "inputs.pb"), [0xff, 0xff, 0xff]);
        var e = Assert.Throws<OnnxFormatException>(() => DistillationData.Load(_folder));
        Assert.Contains(Path.Combine(_folder, "inputs.pb"), e.Message);
    }

    private void WriteInputs(int samples) =>
        Write(DistillationData.InputsFile, Tensor.FromArray<float>(new TensorShape(samples, 2), new float[samples * 2]));

    private void Write(string file, Tensor tensor) =>
        OnnxModelWriter.WriteTensor(TensorProtoConverter.ToProto(tensor, Path.GetFileNameWithoutExtension(file)), Path.Combine(_folder, file));
}

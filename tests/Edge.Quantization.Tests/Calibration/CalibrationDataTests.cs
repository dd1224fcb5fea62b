using Edge.Onnx;
using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Tests.Calibration;

public sealed class CalibrationDataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-calibration-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static QuantizationOptions Static(string folder) => new() { Mode = QuantizationMode.Static, CalibrationDirectory = folder };

    [Fact]
    public void FixtureBatchesAreReadInOrder()
    {
        var data = FixtureData.Get("kd_student");
        var batches = Edge.Quantization.Calibration.CalibrationData.Load(data.CalibrationFolder, OnnxModelReader.ReadModel(data.ModelPath)).Batches;

        Assert.Equal(4, batches.Count);
        Assert.All(batches, b => Assert.Equal(new TensorShape(16, 1, 8, 8), b["input"].Shape));
    }

    [Fact]
    public void MissingFolderIsNamed()
    {
        string missing = Path.Combine(_folder, "nowhere");
        var error = Assert.Throws<QuantizationException>(() =>
            ModelQuantizer.Quantize(OnnxModelReader.ReadModel(FixtureData.Get("kd_student").ModelPath), Static(missing)));
        Assert.Contains(missing, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void EmptyFolderIsRejected()
    {
        var error = Assert.Throws<QuantizationException>(() =>
            ModelQuantizer.Quantize(OnnxModelReader.ReadModel(FixtureData.Get("kd_student").ModelPath), Static(_folder)));
        Assert.Contains("no .pb files", error.Message);
    }

    [Fact]
    public void BatchOfTheWrongShapeNamesTheFileAndTheInput()
    {
        // An MLP-shaped batch [16, 64] for the CNN's [N, 1, 8, 8] input.
        string file = Path.Combine(_folder, "input_0.pb");
        var flat = Tensor.FromArray<float>(new TensorShape(16, 64), new float[16 * 64]);
        OnnxModelWriter.WriteTensor(TensorProtoConverter.ToProto(flat, "input"), file);

        var error = Assert.Throws<QuantizationException>(() =>
            ModelQuantizer.Quantize(OnnxModelReader.ReadModel(FixtureData.Get("kd_student").ModelPath), Static(_folder)));
        Assert.Contains(file, error.Message);
        Assert.Contains("[16,64]", error.Message);
        Assert.Contains("'input'", error.Message);
    }

    [Fact]
    public void FileThatIsNotATensorIsNamed()
    {
        string file = Path.Combine(_folder, "input_0.pb");
        File.WriteAllBytes(file, [0xff, 0xff, 0xff, 0x01, 0x02]);

        var error = Assert.Throws<QuantizationException>(() =>
            ModelQuantizer.Quantize(OnnxModelReader.ReadModel(FixtureData.Get("kd_student").ModelPath), Static(_folder)));
        Assert.Contains(file, error.Message);
    }

    [Fact]
    public void SeveralInputsPairFilesByBatchIndex()
    {
        var model = TwoInputModel();
        for (int k = 0; k < 2; k++)
        {
            WriteBatch("a", k, 2);
            WriteBatch("b", k, 3);
        }

        var batches = Edge.Quantization.Calibration.CalibrationData.Load(_folder, model).Batches;

        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.Equal(new TensorShape(4, 3), b["b"].Shape));
        Assert.Equal(1f, batches[1]["a"].AsSpan<float>()[0]);
    }

    [Fact]
    public void SeveralInputsWithAMissingFileNameIt()
    {
        WriteBatch("a", 0, 2);
        WriteBatch("b", 0, 3);
        WriteBatch("a", 1, 2);

        var error = Assert.Throws<QuantizationException>(() => Edge.Quantization.Calibration.CalibrationData.Load(_folder, TwoInputModel()));
        Assert.Contains("b_1.pb", error.Message);
    }

    private void WriteBatch(string input, int index, int width)
    {
        var values = Enumerable.Repeat((float)index, 4 * width).ToArray();
        OnnxModelWriter.WriteTensor(TensorProtoConverter.ToProto(Tensor.FromArray<float>(new TensorShape(4, width), values), input), Path.Combine(_folder, $"{input}_{index}.pb"));
    }

    private static ModelProto TwoInputModel()
    {
        var graph = new GraphProto();
        foreach (var (name, width) in new[] { ("a", 2), ("b", 3) })
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
            graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } });
        }
        return new ModelProto { Graph = graph };
    }
}

using Edge.Onnx;

namespace Edge.Quantization.Tests;

public sealed class ModelQuantizerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-quantize-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void QuantizeFileWritesAModelBothRuntimesLoad()
    {
        var data = FixtureData.Get("kd_student");
        string output = Path.Combine(_folder, "int8.onnx");

        var result = ModelQuantizer.QuantizeFile(data.ModelPath, output,
            new QuantizationOptions { Mode = QuantizationMode.Static, CalibrationDirectory = data.CalibrationFolder, PerChannel = true });

        var written = OnnxModelReader.ReadModel(output);
        Assert.Equal(result.Model.Graph.Node.Count, written.Graph.Node.Count);
        Assert.Equal(new FileInfo(output).Length, result.SizeAfter);
        Assert.True(result.SizeAfter < result.SizeBefore, $"{result.SizeBefore} B → {result.SizeAfter} B");
        Assert.Equal([output], Directory.GetFiles(_folder).AsEnumerable());
        Assert.Equal(360 * 10, ModelRunner.RunOrt(written, data.InputName, data.TestInputs).Length);
    }

    [Fact]
    public void InputModelIsNotModified()
    {
        var model = OnnxModelReader.ReadModel(FixtureData.Get("mlp_fp32").ModelPath);
        var before = model.Clone();

        ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.Dynamic });

        Assert.Equal(before, model);
    }

    [Fact]
    public void StaticWithoutCalibrationFolderSaysWhatIsMissing()
    {
        var model = OnnxModelReader.ReadModel(FixtureData.Get("mlp_fp32").ModelPath);

        var error = Assert.Throws<QuantizationException>(() => ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.Static }));
        Assert.Contains("--calibration", error.Message);
    }

    [Fact]
    public void UnreadableModelIsNamed()
    {
        string bad = Path.Combine(_folder, "bad.onnx");
        File.WriteAllBytes(bad, [1, 2, 3, 4]);

        var error = Assert.Throws<QuantizationException>(() => ModelQuantizer.QuantizeFile(bad, Path.Combine(_folder, "out.onnx"), new QuantizationOptions()));
        Assert.Contains(bad, error.Message);
        Assert.False(File.Exists(Path.Combine(_folder, "out.onnx")));
    }
}

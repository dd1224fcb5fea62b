using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Onnx.Tests;

public sealed class OnnxModelReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ModelProto SmallModel(TensorProto? weight = null)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(Value("x"));
        graph.Output.Add(Value("y"));
        graph.Node.Add(new NodeProto { Name = "add", OpType = "Add", Input = { "x", "w" }, Output = { "y" } });
        graph.Initializer.Add(weight ?? new TensorProto { Name = "w", DataType = 1, Dims = { 2 }, FloatData = { 1, 2 } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static ValueInfoProto Value(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 2 } } } } },
    };

    [Fact]
    public void WrittenModelReadsBackIdentically()
    {
        string path = Path.Combine(_folder, "m.onnx");
        var model = SmallModel();
        OnnxModelWriter.WriteModel(model, path);
        Assert.Equal(model, OnnxModelReader.ReadModel(path));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void TruncatedModelIsRejectedWithFileName()
    {
        string path = Path.Combine(_folder, "truncated.onnx");
        var bytes = SmallModel().ToByteArray();
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelReader.ReadModel(path));
        Assert.Contains("truncated.onnx", e.Message);
    }

    [Fact]
    public void GarbageBytesAreRejected()
    {
        string path = Path.Combine(_folder, "garbage.onnx");
        var random = new Random(7);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelReader.ReadModel(path));
        Assert.Contains("garbage.onnx", e.Message);
    }

    [Fact]
    public void EmptyFileIsRejected()
    {
        string path = Path.Combine(_folder, "empty.onnx");
        File.WriteAllBytes(path, []);
        Assert.Contains("empty", Assert.Throws<OnnxFormatException>(() => OnnxModelReader.ReadModel(path)).Message);
    }

    [Fact]
    public void MissingFileIsAFormatErrorNotACrash()
    {
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelReader.ReadModel(Path.Combine(_folder, "nope.onnx")));
        Assert.Contains("nope.onnx", e.Message);
    }

    [Fact]
    public void ModelWithoutGraphIsRejected()
    {
        var model = new ModelProto { IrVersion = 8 };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelReader.ReadModel(model.ToByteArray(), "m", null));
        Assert.Contains("no graph", e.Message);
    }

    [Fact]
    public void ExternalDataIsLoadedIntoRawData()
    {
        var data = new byte[16];
        BitConverter.GetBytes(3.5f).CopyTo(data, 8);
        BitConverter.GetBytes(-1f).CopyTo(data, 12);
        File.WriteAllBytes(Path.Combine(_folder, "weights.bin"), data);
        var weight = new TensorProto { Name = "w", DataType = 1, Dims = { 2 }, DataLocation = TensorProto.Types.DataLocation.External };
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        weight.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "8" });
        weight.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "8" });
        string path = Path.Combine(_folder, "ext.onnx");
        OnnxModelWriter.WriteModel(SmallModel(weight), path);

        var loaded = OnnxModelReader.ReadModel(path).Graph.Initializer[0];
        Assert.Equal(data[8..16], loaded.RawData.ToByteArray());
        Assert.Empty(loaded.ExternalData);
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("/etc/passwd")]
    public void ExternalDataOutsideTheModelFolderIsRefused(string location)
    {
        var weight = new TensorProto { Name = "w", DataType = 1, Dims = { 2 }, DataLocation = TensorProto.Types.DataLocation.External };
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        string path = Path.Combine(_folder, "escape.onnx");
        OnnxModelWriter.WriteModel(SmallModel(weight), path);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelReader.ReadModel(path));
        Assert.Contains("outside the model's folder", e.Message);
    }

    [Fact]
    public void ExternalDataRangeBeyondFileIsRefused()
    {
        File.WriteAllBytes(Path.Combine(_folder, "short.bin"), new byte[4]);
        var weight = new TensorProto { Name = "w", DataType = 1, Dims = { 2 }, DataLocation = TensorProto.Types.DataLocation.External };
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "short.bin" });
        weight.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "8" });
        string path = Path.Combine(_folder, "range.onnx");
        OnnxModelWriter.WriteModel(SmallModel(weight), path);
        Assert.Contains("exceeds", Assert.Throws<OnnxFormatException>(() => OnnxModelReader.ReadModel(path)).Message);
    }

    [Fact]
    public void TensorFileWithoutDataTypeIsRejected()
    {
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelReader.ReadTensor(new TensorProto { Name = "t" }.ToByteArray(), "t.pb"));
        Assert.Contains("data_type", e.Message);
    }

    [Fact]
    public void ProtoSubsetParsesTheOfficialBackendTestModels()
    {
        string conv = "/usr/share/libonnx-testdata/data/node/test_basic_conv_with_padding/model.onnx";
        Assert.True(File.Exists(conv), "libonnx-testdata is not installed");
        var model = OnnxModelReader.ReadModel(conv);
        Assert.Equal("Conv", model.Graph.Node[0].OpType);
        Assert.Contains(model.Graph.Node[0].Attribute, a => a.Name == "pads" && a.Ints.Count == 4);
    }
}

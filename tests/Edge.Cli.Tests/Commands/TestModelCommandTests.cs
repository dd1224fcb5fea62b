using Edge.Onnx;
using Edge.Onnx.Protos;

namespace Edge.Cli.Tests.Commands;

public sealed class TestModelCommandTests
{
    private const string IdentityTest = "/usr/share/libonnx-testdata/data/node/test_identity";

    [Fact]
    public void PassingModelFolderExitsZeroWithOneLinePerDataSet()
    {
        var result = EdgeProcess.Run("test-model", IdentityTest);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"test_data_set_0: ok max abs err 0", result.Stdout);
    }

    [Fact]
    public void WrongExpectedOutputExitsOne()
    {
        using var temp = new TempFolder();
        File.Copy(Path.Combine(IdentityTest, "model.onnx"), temp.File("model.onnx"));
        string dataSet = Path.Combine(temp.Path, "test_data_set_0");
        Directory.CreateDirectory(dataSet);
        File.Copy(Path.Combine(IdentityTest, "test_data_set_0", "input_0.pb"), Path.Combine(dataSet, "input_0.pb"));
        var expected = OnnxModelReader.ReadTensor(Path.Combine(IdentityTest, "test_data_set_0", "output_0.pb"));
        var bytes = expected.RawData.ToByteArray();
        BitConverter.GetBytes(BitConverter.ToSingle(bytes, 0) + 1f).CopyTo(bytes, 0);
        expected.RawData = Google.Protobuf.ByteString.CopyFrom(bytes);
        OnnxModelWriter.WriteTensor(expected, Path.Combine(dataSet, "output_0.pb"));

        var result = EdgeProcess.Run("test-model", temp.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MISMATCH", result.Stdout);
    }

    [Fact]
    public void FolderWithoutModelExitsTwo()
    {
        using var temp = new TempFolder();
        var result = EdgeProcess.Run("test-model", temp.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no model.onnx", result.Stderr);
    }
}

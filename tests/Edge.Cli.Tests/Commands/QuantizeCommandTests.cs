using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Cli.Tests.Commands;

public sealed class QuantizeCommandTests
{
    private static string Fixture(string name, string file) => Path.Combine(Edge.Runtime.Tests.RepositoryPaths.Fixtures, name, file);

    [Fact]
    public void StaticQuantizationWritesAModelEdgeRunsAndPrintsASummary()
    {
        using var temp = new TempFolder();
        string output = temp.File("kd_student_int8.onnx");

        var result = EdgeProcess.Run("quantize", Fixture("kd_student", "model.onnx"), output,
            "--mode", "static", "--calibration", Fixture("kd_student", "calibration"), "--per-channel", "--method", "percentile");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("nodes quantized  10 of 10", result.Stdout);
        Assert.Matches(@"size\s+\d+\.\d KiB → \d+\.\d KiB", result.Stdout);
        using var session = InferenceSession.Load(output);
        var logits = session.Run(new Dictionary<string, Tensor> { ["input"] = Tensor.Allocate(DataType.Float32, new TensorShape(2, 1, 8, 8)) })["logits"];
        Assert.Equal(new TensorShape(2, 10), logits.Shape);
    }

    [Fact]
    public void DynamicQuantizationListsTheNodesLeftFloat()
    {
        using var temp = new TempFolder();

        var result = EdgeProcess.Run("quantize", Fixture("mlp_fp32", "model.onnx"), temp.File("mlp_int8.onnx"), "--per-channel");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("nodes quantized  3 of 5", result.Stdout);
        Assert.Contains("/Relu (Relu)", result.Stdout);
    }

    [Fact]
    public void MissingCalibrationFolderIsOneLineAndExitTwo()
    {
        using var temp = new TempFolder();
        string missing = temp.File("no-such-folder");
        string output = temp.File("out.onnx");

        var result = EdgeProcess.Run("quantize", Fixture("kd_student", "model.onnx"), output, "--mode", "static", "--calibration", missing);

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(missing, line);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ReportIsWellFormedXhtmlWithAPicturePerLayer()
    {
        using var temp = new TempFolder();
        string report = temp.File("report.html");

        var result = EdgeProcess.Run("quantize", Fixture("teacher_cnn", "model.onnx"), temp.File("int8.onnx"),
            "--mode", "static", "--calibration", Fixture("teacher_cnn", "calibration"), "--per-channel", "--report", report);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"report           {report}", result.Stdout);
        var html = System.Xml.Linq.XDocument.Load(report);
        var svgs = html.Descendants().Where(e => e.Name.LocalName == "svg").ToList();
        Assert.True(svgs.Count >= 5, $"{svgs.Count} pictures for 5 layers");
    }

    [Fact]
    public void CompareWithoutOutputMeasuresTheStudentAgainstItsTeacher()
    {
        var result = EdgeProcess.Run("quantize", Fixture("kd_student", "model.onnx"), "--compare", Fixture("teacher_cnn", "model.onnx"),
            "--data", Path.GetDirectoryName(Fixture("teacher_cnn", "test_split/inputs.pb"))!, "--temperature", "4");

        Assert.Equal(0, result.ExitCode);
        // The fixtures' info.json: student 95.28 %, teacher 98.61 % on the 360-sample test split.
        Assert.Matches(@"student accuracy\s+0\.952", result.Stdout);
        Assert.Matches(@"teacher accuracy\s+0\.986", result.Stdout);
        Assert.Matches(@"top-1 agreement\s+0\.\d+", result.Stdout);
        Assert.Contains("at T=4", result.Stdout);
    }

    [Fact]
    public void CompareWithoutDataIsOneLineAndExitTwo()
    {
        var result = EdgeProcess.Run("quantize", Fixture("kd_student", "model.onnx"), "--compare", Fixture("teacher_cnn", "model.onnx"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--compare TEACHER and --data DIR go together", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}

using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tests.Conformance;
using Edge.Runtime.Validation;

namespace Edge.Runtime.Tests.Operators.Quantization;

/// <summary>
/// The ONNX node tests of the integer ops whose models import ai.onnx opset 10 or 11 (below Edge's
/// 13): these ops' semantics are unchanged up to opset 21, so the models run with the import raised to 13.
/// </summary>
public sealed class LegacyOpsetNodeTests
{
    public static TheoryData<string> Cases() =>
    [
        "test_basic_convinteger",
        "test_convinteger_with_padding",
        "test_convinteger_without_padding",
        "test_dynamicquantizelinear",
        "test_dynamicquantizelinear_max_adjusted",
        "test_dynamicquantizelinear_min_adjusted",
        "test_matmulinteger",
        "test_qlinearconv",
        "test_qlinearmatmul_2D",
        "test_qlinearmatmul_3D",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void NodeTestMatchesExpectedOutputs(string testName)
    {
        string folder = Path.Combine(OnnxNodeTestCatalog.Root, testName);
        var model = OnnxModelReader.ReadModel(Path.Combine(folder, "model.onnx"));
        foreach (var import in model.OpsetImport)
            if (GraphImporter.NormalizeDomain(import.Domain).Length == 0)
            {
                Assert.InRange(import.Version, 10, 12);
                import.Version = 13;
            }
        var session = new InferenceSession(GraphImporter.Import(model));
        var results = ModelTestRunner.Run(session, folder, Tolerance.OnnxDefault);
        Assert.NotEmpty(results);
        foreach (var result in results)
            Assert.True(result.Passed, $"{testName}/{result.Name}: {result.Error ?? string.Join("; ", result.Outputs.Where(o => !o.Matches).Select(o => $"{o.Name}: {o.Problem}"))}");
    }
}

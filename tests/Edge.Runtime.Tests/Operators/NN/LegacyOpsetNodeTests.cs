using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tests.Conformance;
using Edge.Runtime.Validation;

namespace Edge.Runtime.Tests.Operators.NN;

/// <summary>
/// The ONNX node tests of Conv (opset 11), AveragePool (11), MaxPool (12) and GlobalAveragePool (1):
/// their models import opsets below Edge's 13, and these ops' semantics are unchanged from those
/// versions through opset 18 (AveragePool only gained dilations at 19), so they run with the import raised to 13.
/// </summary>
public sealed class LegacyOpsetNodeTests
{
    private static readonly string[] Prefixes = ["test_basic_conv_", "test_conv_with_", "test_averagepool_", "test_maxpool_", "test_globalaveragepool"];

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        if (!OnnxNodeTestCatalog.Available)
            return data;
        foreach (string dir in Directory.GetDirectories(OnnxNodeTestCatalog.Root).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            if (Prefixes.Any(name.StartsWith) && !OnnxNodeTestCatalog.Excluded.ContainsKey(name))
                data.Add(name);
        }
        return data;
    }

    [Fact]
    public void EveryLegacyOpHasNodeTests()
    {
        var names = ((IEnumerable<object[]>)Cases()).Select(row => (string)row[0]).ToList();
        foreach (string prefix in Prefixes)
            Assert.Contains(names, n => n.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NodeTestMatchesExpectedOutputs(string testName)
    {
        string folder = Path.Combine(OnnxNodeTestCatalog.Root, testName);
        var model = OnnxModelReader.ReadModel(Path.Combine(folder, "model.onnx"));
        foreach (var import in model.OpsetImport)
            if (GraphImporter.NormalizeDomain(import.Domain).Length == 0)
            {
                Assert.InRange(import.Version, 1, 12);
                import.Version = 13;
            }
        var session = new InferenceSession(GraphImporter.Import(model));
        var results = ModelTestRunner.Run(session, folder, Tolerance.OnnxDefault);
        Assert.NotEmpty(results);
        foreach (var result in results)
            Assert.True(result.Passed, $"{testName}/{result.Name}: {result.Error ?? string.Join("; ", result.Outputs.Where(o => !o.Matches).Select(o => $"{o.Name}: {o.Problem}, max abs {o.MaxAbsoluteError:G4}"))}");
    }
}

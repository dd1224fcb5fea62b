using Edge.Runtime.Tests.Conformance;

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
    public void NodeTestMatchesExpectedOutputs(string testName) => NodeTestRunner.AssertPassesAtOpset13(testName, oldestExpectedImport: 1);
}

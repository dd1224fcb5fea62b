using Edge.Runtime.Tests.Conformance;

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
    public void NodeTestMatchesExpectedOutputs(string testName) => NodeTestRunner.AssertPassesAtOpset13(testName, oldestExpectedImport: 10);
}

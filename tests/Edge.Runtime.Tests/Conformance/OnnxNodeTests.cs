using Edge.Runtime.Operators;
using Edge.Runtime.Sessions;
using Edge.Runtime.Validation;

namespace Edge.Runtime.Tests.Conformance;

/// <summary>Runs the official ONNX node tests for every operator Edge claims.</summary>
public sealed class OnnxNodeTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in OnnxNodeTestCatalog.Runnable.Keys)
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NodeTestMatchesExpectedOutputs(string testName)
    {
        string folder = Path.Combine(OnnxNodeTestCatalog.Root, testName);
        List<DataSetResult> results;
        try
        {
            var session = InferenceSession.Load(Path.Combine(folder, "model.onnx"));
            results = ModelTestRunner.Run(session, folder, Tolerance.OnnxDefault);
        }
        catch (ModelException e) when (PlanTimeInputs.IsNeeded(e))
        {
            results = PlanTimeInputs.Run(folder, Tolerance.OnnxDefault);
        }
        if (PlanTimeInputs.IsNeeded(results))
            results = PlanTimeInputs.Run(folder, Tolerance.OnnxDefault);
        NodeTestRunner.AssertAllPassed(testName, results);
    }

    [Fact]
    public void OnnxTestDataIsInstalled()
    {
        Assert.True(OnnxNodeTestCatalog.Available, $"{OnnxNodeTestCatalog.Root} is missing: apt-get install libonnx-testdata");
    }

    [Fact]
    public void EveryClaimedOnnxOperatorHasAConformanceTest()
    {
        var covered = OnnxNodeTestCatalog.Runnable.Values.SelectMany(v => v).ToHashSet();
        var missing = OperatorRegistry.Default.All
            .Where(op => op.Domain.Length == 0 && !covered.Contains(op.OpType) && !OpsCoveredElsewhere.Contains(op.OpType))
            .Select(op => op.OpType)
            .ToList();
        Assert.True(missing.Count == 0, $"claimed ops without a runnable ONNX node test: {string.Join(", ", missing)}");
    }

    /// <summary>ai.onnx ops whose node tests libonnx-testdata 1.12 lacks or cannot express, with where they are tested instead.</summary>
    private static readonly HashSet<string> OpsCoveredElsewhere =
    [
        "Identity", // its node tests use sequence/optional types; covered by Planning tests (graph-output Identity)
        "Cast", // its node tests all involve double, float16, bfloat16 or string; covered by Operators/Layout/CastOperatorTests
        "ConstantOfShape", // its node tests import opset 9; Operators/Layout/ConstantOfShapeOperatorTests runs them at opset 13 (same semantics)
        "Gelu", // ai.onnx Gelu is opset 20, newer than the 1.12 test data; covered by Operators/Elementwise/GeluOperatorTests
        // Their node tests import opset 10/11; Operators/Quantization/LegacyOpsetNodeTests runs them at opset 13.
        "ConvInteger",
        "DynamicQuantizeLinear",
        "MatMulInteger",
        "QLinearConv",
        "QLinearMatMul",
        // Their node tests import opset 1/11/12; Operators/NN/LegacyOpsetNodeTests runs them at opset 13 (same semantics).
        "Conv",
        "AveragePool",
        "MaxPool",
        "GlobalAveragePool",
    ];
}

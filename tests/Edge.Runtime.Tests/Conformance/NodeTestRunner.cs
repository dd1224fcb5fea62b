using Edge.Onnx;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Validation;

namespace Edge.Runtime.Tests.Conformance;

/// <summary>Runs one official node test and asserts every data set passes; shared by the node-test classes.</summary>
internal static class NodeTestRunner
{
    /// <summary>
    /// Runs a node test whose model imports an ai.onnx opset below Edge's 13, with the import raised
    /// to 13: valid only for ops whose definition did not change between that opset and 13 (each caller says why).
    /// </summary>
    public static void AssertPassesAtOpset13(string testName, int oldestExpectedImport)
    {
        string folder = Path.Combine(OnnxNodeTestCatalog.Root, testName);
        var model = OnnxModelReader.ReadModel(Path.Combine(folder, "model.onnx"));
        foreach (var import in model.OpsetImport)
            if (GraphImporter.NormalizeDomain(import.Domain).Length == 0)
            {
                Assert.InRange(import.Version, oldestExpectedImport, 12);
                import.Version = 13;
            }
        var session = new InferenceSession(GraphImporter.Import(model));
        AssertAllPassed(testName, ModelTestRunner.Run(session, folder, Tolerance.OnnxDefault));
    }

    /// <summary>Asserts there are results and every data set passed, naming the failing outputs and errors.</summary>
    public static void AssertAllPassed(string testName, IReadOnlyList<DataSetResult> results)
    {
        Assert.NotEmpty(results);
        foreach (var result in results)
            Assert.True(result.Passed, $"{testName}/{result.Name}: {result.Error ?? string.Join("; ", result.Outputs.Where(o => !o.Matches).Select(o => $"{o.Name}: {o.Problem}, max abs {o.MaxAbsoluteError:G4}, max rel {o.MaxRelativeError:G4}"))}");
    }
}

namespace Edge.Benchmarks;

/// <summary>
/// Checks the two int8 ResNet encodings against each other in ORT: same weights and calibration,
/// so their uint8 logits should agree to within a step or two. A broken generator (wrong scale,
/// saturated activations) shows up here as large differences or a collapsed output range.
/// </summary>
internal static class QuantizedParityCheck
{
    public static string Describe(string qdqPath, string qopPath)
    {
        var inputs = InputFactory.Create(qdqPath, 1);
        using var qdq = new OrtEngine(qdqPath, 1, inputs);
        using var qop = new OrtEngine(qopPath, 1, inputs);
        qdq.Run();
        qop.Run();
        var a = qdq.ReadOutputs();
        var values = a[0].Values;
        return $"ORT QDQ vs QOperator ResNet: {OutputComparison.Describe(a, qop.ReadOutputs())}; " +
            $"QDQ logits span {values.Min():0}..{values.Max():0} with {values.Distinct().Count()} distinct values";
    }
}
